import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps, type Roles } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/load.js';
import { loggerOptions } from '../../src/logger.js';
import { TEST_CREDENTIALS } from './env.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { startTestNats, type TestNats } from './nats.js';
import { FIXTURE_CONFIG, writeTempConfig } from './temp-config.js';

type Teardown = { teardown(fn: () => unknown): void };

export interface TestAppOptions {
  /** A YAML text to use instead of test/fixtures/omnibot.yaml. */
  readonly yaml?: string;
  /** Added to (or, with undefined values, removed from) the test credentials. */
  readonly env?: Record<string, string | undefined>;
  /** Reuse a server across apps of one test file. */
  readonly nats?: TestNats;
  readonly fake?: FakeSlack;
  /** Default: the HTTP role only. */
  readonly roles?: Roles;
  /** Shorter HTTP time limits, for tests of slow clients. */
  readonly httpTimeouts?: AppDeps['httpTimeouts'];
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly fake: FakeSlack;
  readonly nats: TestNats;
  /** Every log line the app wrote, as text, for assertions on what must never be logged. */
  readonly logs: string[];
}

/** The app as production builds it, on a real nats-server and a fake Slack over loopback HTTP. */
export async function buildTestApp(t: Teardown, options: TestAppOptions = {}): Promise<TestApp> {
  const nats = options.nats ?? (await startTestNats(t));
  const fake = options.fake ?? (await startFakeSlack());
  if (!options.fake) t.teardown(() => fake.close());
  const file = options.yaml === undefined ? FIXTURE_CONFIG : await writeTempConfig(t, options.yaml);
  // One retry keeps the tests of Slack failures quick; the client's own tests cover the retry loop.
  const env = { ...TEST_CREDENTIALS, SLACK_API_URL: fake.url, LOG_LEVEL: 'debug', SLACK_API_MAX_RETRIES: '1', ...options.env };
  const config = await loadConfig({ file, env });
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const app = await buildApp(config, {
    natsServers: nats.url,
    ...(options.roles ? { roles: options.roles } : {}),
    ...(options.httpTimeouts ? { httpTimeouts: options.httpTimeouts } : {}),
    logger: { ...loggerOptions(config.settings.logLevel), stream },
  });
  t.teardown(() => app.close());
  await app.ready();
  return { app, config, fake, nats, logs };
}
