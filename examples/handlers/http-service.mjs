// A callback as an HTTP service, in plain Node.js: omnibot's built-in http_callback POSTs the
// payload as JSON and reads the JSON answer (see omnibot.yaml here for the handlers that call it).
//   PORT=8090 node examples/handlers/http-service.mjs
import { createServer } from 'node:http';

/** What each path answers; `payload` is exactly what a JavaScript callback would receive. */
const routes = {
  // A message handler (`match: "deploy"`, `match_type: "command"`): actions only.
  '/deploy': (payload) => ({
    actions: [
      { action: 'reactions.add', kwargs: { name: 'rocket', channel: payload.channel_id, timestamp: payload.ts } },
      { action: 'chat.postMessage', kwargs: { text: `Deploying ${payload.args || 'everything'} for <@${payload.user}>…` } },
    ],
  }),
  // A slash command handler (`command: "/deploy"`): responses go to the command's response_url.
  '/slash/deploy': (payload) => ({
    responses: [{ text: `Deploying ${payload.text || 'everything'}…`, response_type: 'in_channel' }],
  }),
};

const server = createServer((request, response) => {
  const route = routes[request.url ?? ''];
  if (request.method !== 'POST' || !route) {
    response.writeHead(404).end();
    return;
  }
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    let answer;
    try {
      answer = route(JSON.parse(body));
    } catch {
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad payload"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
});

server.listen(Number(process.env.PORT ?? 8090), '127.0.0.1', () => {
  console.log(`callback service listening on http://127.0.0.1:${server.address().port}`);
});
process.once('SIGTERM', () => server.close());
process.once('SIGINT', () => server.close());
