import { startCallbackService, type CallbackService } from '../helpers/callback-service.js';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from 'nats';
import { loadConfig, type Config } from '../../src/config/load.js';
import { Directory } from '../../src/directory/directory.js';
import { DirectoryStore } from '../../src/directory/store.js';
import { SlackWebClient } from '../../src/slack/web-api.js';
import type { ProcessorDeps, ProcessorLogger } from '../../src/worker/processor.js';
import { TEST_CREDENTIALS } from '../helpers/env.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import type { TestNats } from '../helpers/nats.js';
import { writeTempConfig } from '../helpers/temp-config.js';

type Teardown = { teardown(fn: () => unknown): void };
type Json = Record<string, unknown>;

export const WORKER_CALLBACKS = fileURLToPath(new URL('../fixtures/callbacks/worker.js', import.meta.url));

/** Credentials of the bots the worker tests configure. */
export const WORKER_ENV: Readonly<Record<string, string>> = {
  ...TEST_CREDENTIALS,
  CREDENTIALS_SLACK_SIGNING_SECRET_A22222222: 'signing-secret-mentionbot',
  CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_A22222222: 'xoxb-mentionbot',
  CREDENTIALS_SLACK_SIGNING_SECRET_A33333333: 'signing-secret-absencebot',
  CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_A33333333: 'xoxb-absencebot',
};

export { startCallbackService, type CallbackService };
export type { ServiceAnswer, ServiceCall } from '../helpers/callback-service.js';

// ---- the Slack the tests run against

export const USERS = [
  { id: 'U_ALICE', name: 'alice', team_id: 'T12345678', profile: { email: 'alice@example.com', display_name: 'alice' } },
  { id: 'U_BOB', name: 'bob', team_id: 'T12345678', profile: { email: 'bob@example.com', display_name: 'bob' } },
  { id: 'UBOT', name: 'echobot', is_bot: true, profile: { display_name: 'echobot' } },
  { id: 'UMENTION', name: 'mentionbot', is_bot: true, profile: { display_name: 'mentionbot' } },
  { id: 'UABSENCE', name: 'absencebot', is_bot: true, profile: { display_name: 'absencebot' } },
];

export const CONVERSATIONS = [
  { id: 'C_GENERAL', name: 'general', name_normalized: 'general', is_channel: true, num_members: 42 },
  { id: 'C_DEV', name: 'dev', name_normalized: 'dev', is_channel: true },
  { id: 'C_ECHO', name: 'echo', name_normalized: 'echo', is_channel: true },
  { id: 'C_CC', name: 'channel-channel', name_normalized: 'channel-channel', is_channel: true },
  { id: 'D_ALICE', is_im: true, user: 'U_ALICE' },
];

const BOT_USERS: Readonly<Record<string, string>> = {
  'xoxb-echobot': 'UBOT',
  'xoxb-mentionbot': 'UMENTION',
  'xoxb-absencebot': 'UABSENCE',
};

/** Answers the lookups the worker makes; chat.postMessage and reactions.add succeed. */
export function serveSlackWorld(fake: FakeSlack): void {
  fake.on('auth.test', (call) => {
    const userId = BOT_USERS[call.token ?? ''];
    return userId ? { ok: true, user_id: userId, team_id: 'T12345678' } : { ok: false, error: 'invalid_auth' };
  });
  fake.on('users.info', (call) => {
    const user = USERS.find((u) => u.id === call.params.user);
    return user ? { ok: true, user } : { ok: false, error: 'user_not_found' };
  });
  fake.setList('users.list', 'members', USERS);
  fake.on('conversations.info', (call) => {
    const channel = CONVERSATIONS.find((c) => c.id === call.params.channel);
    return channel ? { ok: true, channel } : { ok: false, error: 'channel_not_found' };
  });
  fake.setList(
    'conversations.list',
    'channels',
    CONVERSATIONS.filter((c) => !c.is_im),
  );
  fake.on('chat.postMessage', (call) => ({ ok: true, channel: call.params.channel, ts: '999.0001' }));
  fake.on('reactions.add', { ok: true });
}

// ---- configuration

/** The handlers most worker tests run with; `service` is the callback service's base URL. */
export function workerConfigYaml(service: string, extra = ''): string {
  const http = (path: string) => `
        - module: "omnibot.callbacks.network_callbacks:http_callback"
          kwargs:
            request_kwargs:
              url: "${service}${path}"`;
  return `
teams:
  "testteam": "T12345678"
  "otherteam": "T99999999"
bots:
  "testteam":
    "echobot": "A12345678"
    "mentionbot": "A22222222"
    "absencebot": "A33333333"
handlers:
  message_handlers:
    - match: "deploy"
      match_type: "command"
      description: "Deploys a service."
      bots: { "testteam": ["echobot"] }
      callbacks:${http('/deploy')}
    - match: "dep"
      match_type: "command"
      description: "Shadowed by deploy."
      bots: { "testteam": ["echobot"] }
      callbacks:${http('/dep')}
    - match: '\\bincident\\b'
      match_type: "regex"
      description: "Watches for incidents."
      bots: { "testteam": ["echobot"] }
      callbacks:${http('/incident')}
    - match: "thread-ok"
      match_type: "regex"
      match_reply: true
      bots: { "testteam": ["echobot"] }
      callbacks:${http('/thread')}
    - match: "context"
      match_type: "command"
      bots: { "testteam": ["echobot"] }
      callbacks:
        - module: "${WORKER_CALLBACKS}:withContext"
          kwargs: { greeting: "hi" }
    - match: "mutate"
      match_type: "command"
      bots: { "testteam": ["echobot"] }
      callbacks:
        - module: "${WORKER_CALLBACKS}:mutates"
          kwargs: { greeting: "hi" }${http('/after-mutate')}
    - match: "boom"
      match_type: "command"
      bots: { "testteam": ["echobot"] }
      callbacks:
        - module: "${WORKER_CALLBACKS}:throws"
    - match: "flaky"
      match_type: "command"
      bots: { "testteam": ["echobot"] }
      callbacks:${http('/flaky')}
    - match: "garbage"
      match_type: "command"
      bots: { "testteam": ["echobot"] }
      callbacks:
        - module: "${WORKER_CALLBACKS}:malformed"
    - match: "white_check_mark|heavy_check_mark"
      match_type: "reaction"
      bots: { "testteam": ["echobot"] }
      callbacks:${http('/reaction')}
    - match: "status"
      match_type: "command"
      match_mention: true
      bots: { "testteam": ["mentionbot"] }
      callbacks:${http('/status')}
    - match: "(@here|@channel)"
      match_type: "regex"
      regex_type: "absence"
      bots: { "testteam": ["absencebot"] }
      callbacks:${http('/absence')}
  slash_command_handlers:
    - command: "/deploy"
      response_type: "in_channel"
      bots: { "testteam": ["echobot"] }
      callbacks:${http('/slash')}
    - command: "/echo"
      bots: { "testteam": ["echobot"] }
      callbacks:
        - module: "omnibot.callbacks.slash_command_callbacks:echo_callback"
  interactive_component_handlers:
    - callback_id: "approve"
      response_type: "in_channel"
      bots: { "testteam": ["echobot"] }
      callbacks:${http('/interactive')}
        - module: "${WORKER_CALLBACKS}:throws"
          synchronous: true
    - callback_id: "echo_dialog_1"
      bots: { "testteam": ["echobot"] }
      callbacks:
        - module: "omnibot.callbacks.interactive_component_callbacks:echo_dialog_submission_callback"
${extra}`;
}

// ---- the processor's dependencies

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly object: Json;
  readonly message: string;
}

export function recordingLogger(): ProcessorLogger & { lines: LogLine[]; at(level: LogLine['level']): LogLine[] } {
  const lines: LogLine[] = [];
  const log = (level: LogLine['level']) => (object: object, message: string) => {
    lines.push({ level, object: object as Json, message });
  };
  return { lines, at: (level) => lines.filter((line) => line.level === level), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export interface WorkerWorld {
  readonly fake: FakeSlack;
  readonly service: CallbackService;
  readonly config: Config;
  readonly directory: Directory;
  readonly logger: ReturnType<typeof recordingLogger>;
  readonly deps: ProcessorDeps;
}

export interface WorldOptions {
  /** YAML of the whole configuration, from the callback service's URL; default workerConfigYaml. */
  readonly yaml?: (service: string) => string;
  readonly deps?: Partial<ProcessorDeps>;
  readonly slackMaxRetries?: number;
}

/**
 * A processor on a real nats-server (the directory's KV), a fake Slack and a
 * fake callback service. Every world has its own Slack, service and
 * configuration; the KV buckets are shared within a test file, and hold the
 * same users and channels in every world.
 */
export async function workerWorld(t: Teardown, nats: TestNats, options: WorldOptions = {}): Promise<WorkerWorld> {
  const fake = await startFakeSlack();
  t.teardown(() => fake.close());
  serveSlackWorld(fake);
  const service = await startCallbackService(t);
  const file = await writeTempConfig(t, (options.yaml ?? workerConfigYaml)(service.url));
  const config = await loadConfig({ file, env: WORKER_ENV });
  const slack = new SlackWebClient({ baseUrl: fake.url, retryBaseDelayMs: 1, maxRetries: options.slackMaxRetries ?? 2 });
  t.teardown(() => slack.close());
  const nc: NatsConnection = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const store = await DirectoryStore.open(nc, { entryTtlMs: 60_000 });
  const quiet = { warn() {}, info() {} };
  const directory = new Directory({ store, slack, refreshIntervalMs: 60_000, memoryTtlMs: 60_000, logger: quiet });
  const logger = recordingLogger();
  const deps: ProcessorDeps = {
    config,
    slack,
    directory,
    logger,
    httpCallbackOptions: { attempts: 2, backoffMs: 1 },
    ...options.deps,
  };
  return { fake, service, config, directory, logger, deps };
}

// ---- webhooks as the queue holds them

let eventNumber = 0;

export function eventCallback(event: Json, overrides: Json = {}): Json {
  eventNumber += 1;
  return {
    token: 'verify-echobot',
    team_id: 'T12345678',
    api_app_id: 'A12345678',
    type: 'event_callback',
    event_id: `Ev${eventNumber}`,
    event_time: 1_700_000_000,
    event: { event_ts: event.ts ?? `${1000 + eventNumber}.000100`, ...event },
    ...overrides,
  };
}

export function message(text: string, fields: Json = {}): Json {
  eventNumber += 1;
  return { type: 'message', user: 'U_ALICE', text, channel: 'C_GENERAL', ts: `${2000 + eventNumber}.000200`, ...fields };
}
