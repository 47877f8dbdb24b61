import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { holdRequest } from '../helpers/held-request.js';
import { slackJson } from '../helpers/slack-requests.js';
import { streamReader } from '../helpers/stream.js';
import { waitFor } from '../helpers/wait.js';

// A webhook still being answered when the app closes: its connection must end with the answer, or
// Node's server.close() waits for the client's keep-alive connection (72 s) before close() resolves.

t.test('a webhook in flight when close() begins is stored and answered, and its keep-alive connection ends with the answer', async (t) => {
  const { app, nats } = await buildTestApp(t);
  const stream = await streamReader(t, nats.url);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });

  const eventId = `EvClosing${Date.now()}`;
  const now = `${Date.now() / 1000}`;
  const { payload, headers } = slackJson({
    token: 'verify-pingbot',
    team_id: 'T12345678',
    api_app_id: 'AABCDEF12',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'message', channel: 'C4VQ6NUNN', user: 'U6J3LTKSQ', text: 'still on its way', ts: now, event_ts: now },
  });
  const held = await holdRequest(t, app.server, address, '/api/v1/slack/event', payload, { ...headers, 'x-envoy-downstream-service-cluster': 'envoy' });

  const closed = app.close();
  // Node's server.close() has run (after the preClose hooks): from here on it reaps only idle connections.
  await waitFor(() => !app.server.listening);
  const answer = await held.finish();
  t.match(answer, /^HTTP\/1\.1 200 [^]*\r\n\r\n\{"status":"success"\}$/, 'answered as any other webhook');
  const keptOpen = !/\r\nconnection: close\r\n/i.test(answer);
  t.notOk(keptOpen, 'the answer says Connection: close');
  // Without it, only the client hanging up would let close() finish: do so, rather than wait for the test's timeout.
  if (keptOpen) held.end();
  await held.hungUp;
  await closed;
  t.pass('close() finished once the connection ended');
  const stored = (await stream.messages()).find((message) => message.headers['Nats-Msg-Id'] === eventId);
  t.ok(stored, 'the webhook is in stream OMNIBOT');
});
