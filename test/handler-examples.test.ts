import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.js';
import { loadConfiguredCallbacks } from '../src/worker/callbacks/check.js';
import { buildTestApp } from './helpers/app.js';
import { startCallbackService } from './helpers/callback-service.js';
import { slackForm, slackJson } from './helpers/slack-requests.js';
import { waitFor } from './helpers/wait.js';

// The package as a consumer installs it: node_modules/omnibot-ts is this directory (built first: npm test builds).
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = path.join(ROOT, 'examples', 'handlers');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const SECRET = 'signing-secret-echobot';

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** A project of a callback author: its own tsconfig, omnibot-ts in node_modules, the given files. */
async function consumerProject(t: Test, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'omnibot-consumer-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(path.join(dir, 'node_modules'));
  await symlink(ROOT, path.join(dir, 'node_modules', 'omnibot-ts'), 'dir');
  // Its own @types/node would be there too; borrow ours.
  await mkdir(path.join(dir, 'node_modules', '@types'));
  await symlink(path.join(ROOT, 'node_modules', '@types', 'node'), path.join(dir, 'node_modules', '@types', 'node'), 'dir');
  const tsconfig = {
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: ['node'], outDir: 'build', rootDir: '.' },
    include: ['*.ts'],
  };
  await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

const greet = await readFile(path.join(EXAMPLES, 'greet.ts'), 'utf8');

// Mistakes a callback author makes, which the types must catch.
const WRONG = `import type { MessageCallback, SlashCommandCallback } from 'omnibot-ts';
export const a: MessageCallback = (payload) => ({ responses: [{ text: payload.text }] });
export const b: MessageCallback = (payload) => ({ actions: [{ action: 'chat.postMessage', kwargs: { text: payload.nope } }] });
export const c: SlashCommandCallback = (payload) => ({ responses: [{ text: payload.args }] });
`;

// One tsc run for both files (tsc is slow on a busy machine): it reports wrong.ts and still emits build/greet.js.
const project = await consumerProject(t, { 'greet.ts': greet, 'wrong.ts': WRONG });
const compiled = await run(process.execPath, [TSC, '-p', '.'], project);

t.test("the types, from a consumer's project: `import type { MessageCallback } from 'omnibot-ts'`", async (t) => {
  const errors = compiled.output.split('\n').filter((line) => /error TS\d+/.test(line));
  t.equal(compiled.code, 2, 'tsc refuses the mistakes');
  t.same(errors.filter((line) => !line.startsWith('wrong.ts')), [], `the example type-checks: ${compiled.output}`);
  t.match(compiled.output, /wrong\.ts\(2,[^)]*\): error TS2322: Type '\{ responses:/, 'a message callback has no responses');
  t.match(compiled.output, /wrong\.ts\(3,[^)]*\): error TS2339: Property 'nope' does not exist on type 'MessagePayload'/);
  t.match(compiled.output, /wrong\.ts\(4,[^)]*\): error TS2339: Property 'args' does not exist on type 'SlashCommandPayload'/);
});

t.test('the examples run: the TypeScript callbacks and the http service, through the real webhook routes and worker', async (t) => {
  // greet.ts was compiled where examples/handlers/omnibot.yaml expects it (build/), beside a copy of that file.
  const dir = project;
  const service = spawn(process.execPath, [path.join(EXAMPLES, 'http-service.mjs')], { env: { PATH: process.env.PATH, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => service.kill('SIGKILL'));
  // Also if this process ends without its teardowns (a timeout): no service left behind.
  process.once('exit', () => service.kill('SIGKILL'));
  const serviceUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    service.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    service.on('exit', (code) => reject(new Error(`http-service.mjs exited ${code}`)));
  });
  const example = (await readFile(path.join(EXAMPLES, 'omnibot.yaml'), 'utf8'))
    .replaceAll('http://127.0.0.1:8090', serviceUrl)
    .replaceAll('"example-team"', '"testteam"')
    .replaceAll('"example-bot"', '"echobot"')
    .replace('"A87654321"', '"A12345678"');
  await writeFile(path.join(dir, 'omnibot.yaml'), example);
  const config = await loadConfig({ file: path.join(dir, 'omnibot.yaml'), env: {} });
  await t.resolves(loadConfiguredCallbacks(config), 'every callback of examples/handlers/omnibot.yaml loads');
  t.same(config.unknownKeys, []);

  const responses = await startCallbackService(t);
  const { app, fake } = await buildTestApp(t, { yaml: example.replaceAll('./build/', `${path.join(dir, 'build')}/`), roles: { http: true, worker: true } });
  fake.on('auth.test', { ok: true, user_id: 'UBOT', team_id: 'T12345678' });
  fake.on('users.info', (call) => ({ ok: true, user: { id: call.params.user, name: call.params.user === 'UBOT' ? 'echobot' : 'alice', profile: {} } }));
  fake.on('users.list', { ok: true, members: [{ id: 'UZOE', name: 'zoe', profile: { display_name: 'zoe', email: 'zoe@example.com' } }] });
  fake.on('users.lookupByEmail', { ok: true, user: { id: 'UZOE', name: 'zoe', profile: { display_name: 'zoe', email: 'zoe@example.com' } } });
  fake.on('conversations.info', (call) => ({ ok: true, channel: { id: call.params.channel, name: 'general', is_channel: true } }));
  fake.on('chat.postMessage', (call) => ({ ok: true, channel: call.params.channel, ts: '1.2' }));
  fake.on('reactions.add', { ok: true });

  let events = 0;
  const say = async (text: string) => {
    events += 1;
    const ts = `${Math.floor(Date.now() / 1000)}.00000${events}`;
    const body = {
      token: 'verify-echobot',
      team_id: 'T12345678',
      api_app_id: 'A12345678',
      type: 'event_callback',
      event_id: `EvExample${events}`,
      event: { type: 'message', channel: 'C1', user: 'U1', text, ts, event_ts: ts, channel_type: 'channel' },
    };
    const request = slackJson(body, SECRET);
    const response = await app.inject({ method: 'POST', url: '/api/v1/slack/event', payload: request.payload, headers: request.headers });
    t.equal(response.statusCode, 200);
    return ts;
  };

  const helloTs = await say('<@UBOT> hello @zoe');
  await waitFor(() => fake.callsTo('chat.postMessage').length === 1);
  t.match(fake.callsTo('chat.postMessage')[0]?.params, { channel: 'C1', thread_ts: helloTs, text: 'Hello, <@UZOE|zoe>!' }, 'greet.ts:hello, in the thread, @zoe as a mention');

  const deployTs = await say('<@UBOT> deploy api');
  await waitFor(() => fake.callsTo('chat.postMessage').length === 2);
  t.match(fake.callsTo('reactions.add')[0]?.params, { name: 'rocket', channel: 'C1', timestamp: deployTs }, 'http-service.mjs /deploy');
  t.match(fake.callsTo('chat.postMessage')[1]?.params, { text: 'Deploying api for <@U1>…' });

  const command = (name: string, text: string) => {
    const request = slackForm(
      { token: 'verify-echobot', team_id: 'T12345678', api_app_id: 'A12345678', channel_id: 'C1', user_id: 'U1', command: name, text, response_url: `${responses.url}/response`, trigger_id: `trigger-${name}` },
      SECRET,
    );
    return app.inject({ method: 'POST', url: '/api/v1/slack/slash_command', payload: request.payload, headers: request.headers });
  };
  t.same((await command('/deploy', 'web')).json(), { text: 'On it…', response_type: 'in_channel' });
  await waitFor(() => responses.callsTo('/response').length === 1);
  t.same(responses.callsTo('/response')[0]?.body, { text: 'Deploying web…', response_type: 'in_channel' }, 'http-service.mjs /slash/deploy');
  t.equal((await command('/whois', 'zoe@example.com')).statusCode, 200);
  await waitFor(() => responses.callsTo('/response').length === 2);
  t.same(responses.callsTo('/response')[1]?.body, { text: 'zoe@example.com is <@UZOE>.', response_type: 'ephemeral' }, 'greet.ts:whois');
});

t.test('the package exports only types: importing it at run time gives nothing else', async (t) => {
  const dir = await consumerProject(t, {});
  const probe = await run(process.execPath, ['--input-type=module', '-e', "import * as m from 'omnibot-ts'; console.log(JSON.stringify(Object.keys(m)))"], dir);
  t.equal(probe.code, 0, probe.output);
  t.equal(probe.output.trim(), '[]');
});
