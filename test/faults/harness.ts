import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { AckPolicy, DeliverPolicy, nanos } from 'nats';
import { Puller } from '../../src/queue/puller.js';
import { NatsCluster } from '../helpers/nats-cluster.js';
import { ControlPublisher, type ControlPublish } from './control.js';
import { WebhookLoad, type SentEvent } from './load.js';
import { RoleProcess } from './roles.js';
import { CallbackCounter, startSlackStub } from './services.js';

type Teardown = { teardown(fn: () => unknown): void };

export type FaultName = 'leader-kill' | 'non-leader-kill' | 'rolling-restart' | 'worker-kill';
export const FAULTS: readonly FaultName[] = ['leader-kill', 'non-leader-kill', 'rolling-restart', 'worker-kill'];

export interface FaultRunOptions {
  readonly faults: readonly FaultName[];
  /** Signed, unique webhooks per second. */
  readonly rate: number;
  /** How long each node or worker kill's load lasts, and when in it the fault comes. */
  readonly loadMs: number;
  readonly faultAtMs: number;
  /** How long a killed node stays down before it is started again. */
  readonly nodeDownMs: number;
  /** How long a killed worker stays down before it is started again. */
  readonly workerDownMs: number;
  /** When Slack sends again a webhook not answered 200 (compressed from its 0 s, 1 min, 5 min). */
  readonly retryDelaysMs: readonly number[];
  readonly workers: number;
  readonly concurrency: number;
  /** How long the callback service takes to answer: the worker always has callbacks in flight. */
  readonly callbackDelayMs: number;
  /**
   * After a fault, how long no delivery must come before its figures are taken (default: 8 s, past
   * the worker's ack wait, so that redeliveries are counted).
   */
  readonly quietMs?: number;
  /** The built CLI to run (default: this repository's dist/cli.js). */
  readonly cli?: string;
  /**
   * How OMNIBOT gets its three replicas: created so by omnibot-ts (OMNIBOT_STREAM_REPLICAS=3), or
   * created with one and scaled to three by hand afterwards, as an operator without the setting would.
   */
  readonly replicas?: 'created' | 'scaled-by-hand';
  /** After scaling by hand, restart the workers (what docs/OPERATIONS.md says); default true. */
  readonly restartWorkersAfterScaling?: boolean;
  readonly progress?: (line: string) => void;
  /** A file to write every event's attempts and deliveries to (times from each fault, in ms), to look into. */
  readonly dumpFile?: string;
}

interface Percentiles {
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface FaultFigures {
  readonly fault: FaultName;
  /** The node or process the fault hit. */
  readonly victim: string;
  /** Events sent (first sends), and every request with Slack's retries. */
  readonly sent: number;
  readonly requests: number;
  /** Every request's answer, by status (`timeout`: none within Slack's 3 s). */
  readonly answers: Record<string, number>;
  /** Events answered 200 at some attempt; those never answered 200, Slack's retries included. */
  readonly acknowledged: number;
  readonly missing_after_retries: number;
  /** Distinct events in stream OMNIBOT, and those stored more than once. */
  readonly stored: number;
  readonly stored_twice: number;
  /** Acknowledged events absent from the stream. */
  readonly lost_from_stream: number;
  /** Distinct events the callback service received, and every delivery. */
  readonly delivered: number;
  readonly deliveries: number;
  /** Events delivered more than once, and their share of those delivered. */
  readonly duplicates: number;
  readonly duplicates_pct: number;
  /** Acknowledged events that never reached the callback service. */
  readonly lost: number;
  /** Request to answer, every request. */
  readonly answer_ms: Percentiles;
  readonly answers_over_3s: number;
  /** From an event's first 200 to its first delivery. */
  readonly delivery_delay_ms: Percentiles;
  /** The control: a plain nats.js publisher. Times are from the fault, in ms. */
  readonly control: { readonly sent: number; readonly failed: number; readonly no_ack_span_ms: number; readonly first_failed_ms: number | null; readonly last_failed_ms: number | null; readonly errors: Record<string, number> };
  /** omnibot-ts's non-200 answers, by when they were answered (and sent), from the fault, in ms. */
  readonly omnibot: { readonly non_200: number; readonly non_200_span_ms: number; readonly first_ms: number | null; readonly last_ms: number | null; readonly sent_span_ms: number };
  /** How long the stream had no leader after a leader kill, as the harness saw it. */
  readonly stream_leaderless_ms?: number;
  /** A worker kill: the latest redelivery of a message the killed worker held, after the kill. */
  readonly redelivered_after_kill_ms?: number | null;
  readonly loadavg_1m: { readonly before: number; readonly after: number };
  /** How late the harness's own event loop ran during the load: its answer times include that. */
  readonly harness_event_loop_delay_ms: { readonly p99: number; readonly max: number };
  readonly seconds: number;
}

export interface FaultReport {
  readonly conditions: Record<string, unknown>;
  readonly faults: FaultFigures[];
}

const APP_ID = 'AFAULT0001';
const TEAM_ID = 'TFAULT0001';
const SECRET = 'fault-signing-secret';
const DEFAULT_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
/** After the last delivery, how long nothing more must come before a fault's figures are taken: past the worker's ack wait. */
const QUIET_MS = 8_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number);
  return { p50: at(0.5), p99: at(0.99), max: Math.round(sorted[sorted.length - 1] as number) };
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

function natsServerVersion(): string {
  try {
    return execFileSync('nats-server', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * A 3-node JetStream cluster on loopback, `serve` and the workers of the built CLI on it with
 * OMNIBOT_STREAM_REPLICAS=3, a callback service counting deliveries, Slack's load with its
 * retries, and the control; then each fault in turn, with its figures.
 */
export async function runFaults(t: Teardown, options: FaultRunOptions): Promise<FaultReport> {
  const log = options.progress ?? (() => undefined);
  const cli = options.cli ?? DEFAULT_CLI;
  const cluster = await NatsCluster.start(t);
  log(`cluster up: ${cluster.urls.join(' ')}`);
  const slack = await startSlackStub();
  t.teardown(() => slack.close());
  const counter = await CallbackCounter.start(options.callbackDelayMs);
  t.teardown(() => counter.close());
  const dir = await mkdtemp(path.join(tmpdir(), 'omnibot-faults-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const configFile = path.join(dir, 'omnibot.yaml');
  await writeFile(
    configFile,
    `authorization:
  checks:
    - module: "omnibot.authnz:allowed_paths"
      kwargs: { paths: ["/api/v1/slack/"] }
teams: { "faultteam": "${TEAM_ID}" }
bots: { "faultteam": { "faultbot": "${APP_ID}" } }
handlers:
  message_handlers:
    - match: "fault"
      match_type: "command"
      bots: { "faultteam": ["faultbot"] }
      callbacks:
        - module: "omnibot.callbacks.network_callbacks:http_callback"
          kwargs: { request_kwargs: { url: "${counter.url}" } }
`,
  );
  const env = {
    CONFIG_FILE: configFile,
    [`CREDENTIALS_SLACK_SIGNING_SECRET_${APP_ID}`]: SECRET,
    [`CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_${APP_ID}`]: 'xoxb-fault',
    SLACK_API_URL: slack.url,
    OMNIBOT_STREAM_REPLICAS: options.replicas === 'scaled-by-hand' ? '1' : '3',
    WEBHOOK_WORKER_CONCURRENCY: String(options.concurrency),
    LOG_LEVEL: 'warn',
  };
  // serve knows one node and learns the others from the cluster; the workers are given all three.
  const serve = new RoleProcess('serve', cli, ['serve'], { ...env, NATS_URL: cluster.url('n1') });
  const workers = Array.from({ length: options.workers }, (_, i) => new RoleProcess(`worker-${i + 1}`, cli, ['worker'], { ...env, NATS_URL: cluster.urls.join(',') }));
  t.teardown(async () => {
    for (const role of [serve, ...workers]) await role.stop('SIGKILL', 0);
  });
  await serve.start();
  await Promise.all(workers.map((worker) => worker.start()));
  log(`serve and ${workers.length} worker(s) ready`);
  if (options.replicas === 'scaled-by-hand') {
    const jsm = await cluster.admin();
    for (const stream of ['OMNIBOT', 'OMNIBOT_DLQ']) await jsm.streams.update(stream, { num_replicas: 3 });
    log('OMNIBOT and OMNIBOT_DLQ scaled to 3 replicas by hand');
    // Then, as docs/OPERATIONS.md says, once the consumer is current on its new replicas, the workers
    // are restarted: a worker's start steps the consumer's leader down once (src/queue/consumer-replicas.ts).
    const until = Date.now() + 120_000;
    for (;;) {
      const info = await jsm.consumers.info('OMNIBOT', 'omnibot-worker').catch(() => undefined);
      if (info?.cluster?.leader && (info.cluster.replicas ?? []).filter((replica) => replica.current).length === 2) break;
      if (Date.now() > until) throw new Error('the worker\'s consumer did not become current on 3 replicas');
      await sleep(250);
    }
    if (options.restartWorkersAfterScaling !== false) {
      for (const worker of workers) {
        await worker.stop();
        await worker.start();
      }
      log('workers restarted');
    }
  }
  const control = await ControlPublisher.start([cluster.url('n1')], { teamName: 'faultteam', botName: 'faultbot', teamId: TEAM_ID, appId: APP_ID });
  t.teardown(() => control.close());
  const load = new WebhookLoad({ baseUrl: serve.baseUrl, signingSecret: SECRET, appId: APP_ID, teamId: TEAM_ID, rate: options.rate, retryDelaysMs: options.retryDelaysMs });
  t.teardown(() => load.close());

  const nodeOf = (server: string | undefined): string | undefined => cluster.names.find((name) => cluster.url(name).endsWith(`//${server}`));

  /** Every node up, every stream with a leader and current replicas, the worker's consumer led. */
  const healthy = async (timeoutMs = 180_000): Promise<void> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const checks = await Promise.all([
        ...['OMNIBOT', 'OMNIBOT_DLQ'].map(async (stream) => {
          const info = await (await cluster.admin()).streams.info(stream).catch(() => undefined);
          return Boolean(info?.cluster?.leader) && (info?.cluster?.replicas ?? []).length === 2 && (info?.cluster?.replicas ?? []).every((r) => r.current && !r.offline);
        }),
        cluster.consumerLeaderOf('OMNIBOT', 'omnibot-worker').then(Boolean),
      ]);
      if (cluster.names.every((name) => cluster.running(name)) && checks.every(Boolean)) return;
      if (Date.now() > until) throw new Error('the cluster did not become healthy');
      await sleep(250);
    }
  };

  /** Waits until every acknowledged event has been delivered and nothing more arrives for `quietMs`. */
  const settle = async (events: SentEvent[], quietMs: number): Promise<void> => {
    const acknowledged = events.filter((event) => event.attempts.some((attempt) => attempt.status === 200));
    const until = performance.now() + 120_000;
    while (performance.now() < until) {
      const allThere = acknowledged.every((event) => counter.deliveries.has(event.id));
      if (allThere && performance.now() - counter.lastAt > quietMs) return;
      await sleep(250);
    }
  };

  // Warm up: the directory's lookups cached, the consumer running.
  await healthy();
  await load.run('warm', 1_000);
  await settle([...load.events.values()].filter((event) => event.id.startsWith('warm')), 500);
  const consumerReplicas = await replicasOfConsumer(cluster);
  log(`warmed up; the worker's consumer is on ${consumerReplicas} node(s)`);

  const figures: FaultFigures[] = [];
  const phases: { prefix: string; figures: Omit<FaultFigures, 'stored' | 'stored_twice' | 'lost_from_stream'> }[] = [];
  const dumps: unknown[] = [];
  for (const [index, fault] of options.faults.entries()) {
    const prefix = `F${index + 1}x`;
    await healthy();
    const loadBefore = loadavg()[0] as number;
    const started = performance.now();
    // The harness's own delays: answers it reads late are counted late (or as Slack's timeouts).
    const lag = monitorEventLoopDelay({ resolution: 20 });
    lag.enable();
    let victim = '';
    let faultAt = 0;
    let leaderless: number | undefined;
    let workerKilled: RoleProcess | undefined;
    const controlFrom = control.publishes.length;

    if (fault === 'leader-kill' || fault === 'non-leader-kill') {
      // The leader kill takes the node serve is connected to, leading OMNIBOT and the worker's consumer:
      // serve must reconnect and both elect a leader. The other takes a node that leads neither.
      const serveNode = nodeOf(serve.reconnectedTo) ?? 'n1';
      if (fault === 'leader-kill') {
        // The worker's consumer is led from there too: its acks in flight go to a leader that dies.
        victim = serveNode;
        await cluster.moveLeader('OMNIBOT', victim, ['omnibot-worker']);
      } else {
        const leader = await cluster.waitForLeader('OMNIBOT');
        const consumerLeader = await cluster.consumerLeaderOf('OMNIBOT', 'omnibot-worker');
        victim = cluster.names.find((name) => name !== leader && name !== consumerLeader) ?? (cluster.names.find((name) => name !== leader) as string);
      }
      await healthy();
      await sleep(1_000);
      log(`${fault}: kill -9 ${victim} at ${options.faultAtMs} ms into ${options.loadMs} ms of load`);
      control.run(50);
      const injected = (async () => {
        await sleep(options.faultAtMs);
        faultAt = performance.now();
        await cluster.kill(victim);
        if (fault === 'leader-kill') {
          await cluster.waitForLeader('OMNIBOT', { not: victim });
          leaderless = Math.round(performance.now() - faultAt);
        }
        await sleep(faultAt + options.nodeDownMs - performance.now());
        await cluster.start(victim);
      })();
      await load.run(prefix, options.loadMs);
      await injected;
      control.stop();
    } else if (fault === 'rolling-restart') {
      victim = cluster.names.join(',');
      await sleep(1_000);
      log(`${fault}: SIGTERM and start again each of ${victim}, one after the other`);
      control.run(50);
      const rolled = (async () => {
        await sleep(options.faultAtMs);
        faultAt = performance.now();
        for (const name of cluster.names) {
          await cluster.stop(name);
          await cluster.start(name);
          await healthy();
        }
        await sleep(options.faultAtMs);
      })();
      await load.run(prefix, rolled);
      await rolled;
      control.stop();
    } else {
      const killed = workers[0] as RoleProcess;
      workerKilled = killed;
      victim = killed.name;
      log(`${fault}: kill -9 ${victim} at ${options.faultAtMs} ms into ${options.loadMs} ms of load`);
      const injected = (async () => {
        await sleep(options.faultAtMs);
        faultAt = performance.now();
        await killed.stop('SIGKILL', 0);
        await sleep(faultAt + options.workerDownMs - performance.now());
        await killed.start();
      })();
      await load.run(prefix, options.loadMs);
      await injected;
    }

    lag.disable();
    const events = [...load.events.values()].filter((event) => event.id.startsWith(prefix));
    await settle(events, options.quietMs ?? QUIET_MS);
    const attempts = events.flatMap((event) => event.attempts);
    const answers: Record<string, number> = {};
    for (const attempt of attempts) count(answers, String(attempt.status));
    const acknowledged = events.filter((event) => event.attempts.some((attempt) => attempt.status === 200));
    const delivered = events.filter((event) => counter.deliveries.has(event.id));
    const deliveries = delivered.reduce((sum, event) => sum + (counter.deliveries.get(event.id)?.length ?? 0), 0);
    const duplicates = delivered.filter((event) => (counter.deliveries.get(event.id)?.length ?? 0) > 1).length;
    const non200 = attempts.filter((attempt) => attempt.status !== 200);
    const rel = (at: number) => Math.round(at - faultAt);
    const answeredNon200 = non200.map((attempt) => attempt.answeredAt);
    const sentNon200 = non200.map((attempt) => attempt.sentAt);
    const controlPublishes: ControlPublish[] = control.publishes.slice(controlFrom);
    const failed = controlPublishes.filter((publish) => !publish.ok);
    const controlErrors: Record<string, number> = {};
    for (const publish of failed) count(controlErrors, publish.error ?? 'unknown');
    const firstDelivery = (event: SentEvent) => counter.deliveries.get(event.id)?.[0]?.at;
    const delays = acknowledged.flatMap((event) => {
      const ackedAt = event.attempts.find((attempt) => attempt.status === 200)?.answeredAt;
      const at = firstDelivery(event);
      return ackedAt !== undefined && at !== undefined ? [Math.max(0, at - ackedAt)] : [];
    });
    let redeliveredAfterKill: number | null | undefined;
    if (workerKilled) {
      // Events delivered before the kill and again after it: the killed worker held them.
      const again = delivered.flatMap((event) => {
        const list = counter.deliveries.get(event.id) ?? [];
        return list.length > 1 && (list[0] as { at: number }).at < faultAt ? [(list[1] as { at: number }).at - faultAt] : [];
      });
      redeliveredAfterKill = again.length > 0 ? Math.round(Math.max(...again)) : null;
    }
    const phase = {
      fault,
      victim,
      sent: events.length,
      requests: attempts.length,
      answers,
      acknowledged: acknowledged.length,
      missing_after_retries: events.length - acknowledged.length,
      delivered: delivered.length,
      deliveries,
      duplicates,
      duplicates_pct: delivered.length ? Number(((duplicates / delivered.length) * 100).toFixed(2)) : 0,
      lost: acknowledged.filter((event) => !counter.deliveries.has(event.id)).length,
      answer_ms: percentiles(attempts.map((attempt) => attempt.answeredAt - attempt.sentAt)),
      answers_over_3s: attempts.filter((attempt) => attempt.answeredAt - attempt.sentAt > 3_000 || attempt.status === 'timeout').length,
      delivery_delay_ms: percentiles(delays),
      control: {
        sent: controlPublishes.length,
        failed: failed.length,
        no_ack_span_ms: failed.length ? Math.round(Math.max(...failed.map((p) => p.sentAt)) - Math.min(...failed.map((p) => p.sentAt))) : 0,
        first_failed_ms: failed.length ? rel(Math.min(...failed.map((p) => p.sentAt))) : null,
        last_failed_ms: failed.length ? rel(Math.max(...failed.map((p) => p.sentAt))) : null,
        errors: controlErrors,
      },
      omnibot: {
        non_200: non200.length,
        non_200_span_ms: non200.length ? Math.round(Math.max(...answeredNon200) - Math.min(...answeredNon200)) : 0,
        first_ms: non200.length ? rel(Math.min(...answeredNon200)) : null,
        last_ms: non200.length ? rel(Math.max(...answeredNon200)) : null,
        sent_span_ms: non200.length ? Math.round(Math.max(...sentNon200) - Math.min(...sentNon200)) : 0,
      },
      ...(leaderless !== undefined ? { stream_leaderless_ms: leaderless } : {}),
      ...(redeliveredAfterKill !== undefined ? { redelivered_after_kill_ms: redeliveredAfterKill } : {}),
      loadavg_1m: { before: Number(loadBefore.toFixed(2)), after: Number((loadavg()[0] as number).toFixed(2)) },
      harness_event_loop_delay_ms: { p99: Math.round(lag.percentile(99) / 1e6), max: Math.round(lag.max / 1e6) },
      seconds: Math.round((performance.now() - started) / 1000),
    };
    phases.push({ prefix, figures: phase });
    dumps.push({
      fault,
      events: events.map((event) => ({
        id: event.id,
        attempts: event.attempts.map((attempt) => [rel(attempt.sentAt), rel(attempt.answeredAt), attempt.status]),
        deliveries: (counter.deliveries.get(event.id) ?? []).map((delivery) => rel(delivery.at)),
      })),
    });
    log(`${fault}: ${JSON.stringify({ sent: phase.sent, answers, lost: phase.lost, missing: phase.missing_after_retries, duplicates: duplicates })}`);
  }

  if (options.dumpFile) {
    await writeFile(options.dumpFile, JSON.stringify(dumps));
    for (const role of [serve, ...workers]) await writeFile(`${options.dumpFile}.${role.name}.log`, role.output());
  }
  // What the stream holds, by event, read once at the end.
  const stored = await storedCounts(cluster);
  for (const { prefix, figures: phase } of phases) {
    const events = [...load.events.values()].filter((event) => event.id.startsWith(prefix));
    const acknowledged = events.filter((event) => event.attempts.some((attempt) => attempt.status === 200));
    figures.push({
      ...phase,
      stored: events.filter((event) => stored.has(event.id)).length,
      stored_twice: events.filter((event) => (stored.get(event.id) ?? 0) > 1).length,
      lost_from_stream: acknowledged.filter((event) => !stored.has(event.id)).length,
    } as FaultFigures);
  }

  return {
    conditions: {
      machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), shared with other work`,
      node: process.version,
      nats_server: natsServerVersion(),
      cluster:
        options.replicas === 'scaled-by-hand'
          ? `3 nodes on loopback; OMNIBOT and OMNIBOT_DLQ created with 1 replica, then scaled to 3 by hand${options.restartWorkersAfterScaling === false ? '' : ', then the workers restarted'}`
          : '3 nodes on loopback, OMNIBOT_STREAM_REPLICAS=3 (streams, buckets and consumers created at R3 by omnibot-ts)',
      consumer_replicas: consumerReplicas,
      roles: `1 serve (NATS_URL: one node), ${options.workers} worker(s) (NATS_URL: all nodes), concurrency ${options.concurrency} each, the built CLI`,
      webhooks_per_second: options.rate,
      load_ms: options.loadMs,
      fault_at_ms: options.faultAtMs,
      node_down_ms: options.nodeDownMs,
      worker_down_ms: options.workerDownMs,
      slack_retry_delays_ms: options.retryDelaysMs,
      callback_delay_ms: options.callbackDelayMs,
      control: 'a plain nats.js client (its defaults, js.publish with a message id) storing 20 messages/s in stream OMNIBOT, connected as serve is',
    },
    faults: figures,
  };
}

/** How many nodes the worker's consumer is on. */
async function replicasOfConsumer(cluster: NatsCluster): Promise<number | string> {
  try {
    const info = await (await cluster.admin()).consumers.info('OMNIBOT', 'omnibot-worker');
    return (info.cluster?.leader ? 1 : 0) + (info.cluster?.replicas?.length ?? 0);
  } catch (error) {
    return `unknown: ${(error as Error).message}`;
  }
}

/** How many messages stream OMNIBOT holds per event id (read through an ephemeral consumer, headers only). */
async function storedCounts(cluster: NatsCluster): Promise<Map<string, number>> {
  const nc = await cluster.connection();
  const jsm = await cluster.admin();
  const consumer = await jsm.consumers.add('OMNIBOT', {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    headers_only: true,
    mem_storage: true,
    num_replicas: 1,
    inactive_threshold: nanos(60_000),
  });
  const total = consumer.num_pending;
  const counts = new Map<string, number>();
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${received} of the ${total} messages of stream OMNIBOT`)), 120_000);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    if (total === 0) return done();
    const puller = new Puller(nc, {
      stream: 'OMNIBOT',
      consumer: consumer.name,
      capacity: () => 1_000,
      onMessage: (message) => {
        const id = message.headers?.get('Nats-Msg-Id') ?? '';
        const event = id.startsWith('Ev') ? id.slice(2) : id;
        counts.set(event, (counts.get(event) ?? 0) + 1);
        received += 1;
        if (received >= total) {
          void puller.close();
          done();
        }
      },
    });
  });
  await jsm.consumers.delete('OMNIBOT', consumer.name).catch(() => undefined);
  return counts;
}
