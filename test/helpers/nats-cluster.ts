import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { startNatsServer, type NatsServerProcess } from '../../src/queue/nats-server.js';

type Teardown = { teardown(fn: () => unknown): void };

/** A port free on loopback now: the cluster's ports are chosen at random, never fixed ones. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Node {
  readonly name: string;
  readonly port: number;
  readonly clusterPort: number;
  readonly storeDir: string;
  readonly configFile: string;
  process: NatsServerProcess | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A JetStream cluster of nats-servers on loopback (nats-server 2.9 clusters there as elsewhere):
 * each node its own store, its own random client and cluster ports, routes to the others. Nodes
 * can be killed, stopped and started again on the same ports and store.
 */
export class NatsCluster {
  readonly #dir: string;
  readonly #nodes: Node[];
  #admin: NatsConnection | undefined;

  private constructor(dir: string, nodes: Node[]) {
    this.#dir = dir;
    this.#nodes = nodes;
  }

  static async start(t: Teardown | undefined, size = 3): Promise<NatsCluster> {
    const dir = await mkdtemp(path.join(tmpdir(), 'omnibot-cluster-'));
    const clusterName = `omnibot-${path.basename(dir).slice(-6)}`;
    const nodes: Node[] = [];
    for (let i = 1; i <= size; i += 1) {
      nodes.push({
        name: `n${i}`,
        port: await freePort(),
        clusterPort: await freePort(),
        storeDir: path.join(dir, `n${i}`),
        configFile: path.join(dir, `n${i}.conf`),
        process: undefined,
      });
    }
    const routes = nodes.map((node) => `"nats://127.0.0.1:${node.clusterPort}"`).join(', ');
    for (const node of nodes) {
      await writeFile(
        node.configFile,
        `server_name: ${node.name}\ncluster {\n  name: ${clusterName}\n  listen: "127.0.0.1:${node.clusterPort}"\n  routes: [${routes}]\n}\n`,
      );
    }
    const cluster = new NatsCluster(dir, nodes);
    t?.teardown(() => cluster.close());
    await Promise.all(nodes.map((node) => cluster.start(node.name)));
    await cluster.jetStreamReady();
    return cluster;
  }

  /** Every node's client URL. */
  get urls(): string[] {
    return this.#nodes.map((node) => `nats://127.0.0.1:${node.port}`);
  }

  get names(): string[] {
    return this.#nodes.map((node) => node.name);
  }

  url(name: string): string {
    return `nats://127.0.0.1:${this.#node(name).port}`;
  }

  pid(name: string): number | undefined {
    return this.#node(name).process?.pid;
  }

  running(name: string): boolean {
    return this.#node(name).process !== undefined;
  }

  #node(name: string): Node {
    const node = this.#nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  async start(name: string): Promise<void> {
    const node = this.#node(name);
    node.process ??= await startNatsServer({ storeDir: node.storeDir, port: node.port, configFile: node.configFile, startTimeoutMs: 30_000 });
  }

  /** kill -9: nothing flushed, no goodbye to the cluster. */
  async kill(name: string): Promise<void> {
    const node = this.#node(name);
    const server = node.process;
    if (!server) return;
    node.process = undefined;
    process.kill(server.pid, 'SIGKILL');
    await server.stop(0);
  }

  /** SIGTERM, as a rolling upgrade stops a node: it shuts down cleanly (its leaderships are handed over). */
  async stop(name: string): Promise<void> {
    const node = this.#node(name);
    const server = node.process;
    node.process = undefined;
    await server?.stop(30_000);
  }

  /** A connection for looking at the cluster, to any node that runs. */
  async connection(): Promise<NatsConnection> {
    if (!this.#admin || this.#admin.isClosed()) {
      this.#admin = await connect({ servers: this.urls, maxReconnectAttempts: -1, reconnectTimeWait: 100, name: 'cluster-admin' });
    }
    return this.#admin;
  }

  async admin(): Promise<JetStreamManager> {
    return (await this.connection()).jetstreamManager({ timeout: 2_000, checkAPI: false });
  }

  /** Resolves once the cluster's JetStream answers (its meta leader is elected). */
  async jetStreamReady(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        await (await this.admin()).getAccountInfo();
        return;
      } catch (error) {
        if (Date.now() > until) throw error;
        await sleep(200);
      }
    }
  }

  /** The node leading a stream now, or undefined while it has none (or can't be asked). */
  async leaderOf(stream: string): Promise<string | undefined> {
    try {
      return (await (await this.admin()).streams.info(stream)).cluster?.leader || undefined;
    } catch {
      return undefined;
    }
  }

  async consumerLeaderOf(stream: string, consumer: string): Promise<string | undefined> {
    try {
      return (await (await this.admin()).consumers.info(stream, consumer)).cluster?.leader || undefined;
    } catch {
      return undefined;
    }
  }

  /** Waits for a stream to have a leader (other than `not`), and names it. */
  async waitForLeader(stream: string, options: { not?: string; timeoutMs?: number } = {}): Promise<string> {
    const until = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const leader = await this.leaderOf(stream);
      if (leader && leader !== options.not) return leader;
      if (Date.now() > until) throw new Error(`stream ${stream} has no leader${options.not ? ` other than ${options.not}` : ''}`);
      await sleep(100);
    }
  }

  /**
   * Moves a stream's leadership (and, with `consumers`, its consumers') to `name`, by asking the
   * current leader to step down until the election lands there.
   */
  async moveLeader(stream: string, name: string, consumers: readonly string[] = [], timeoutMs = 60_000): Promise<void> {
    const admin = await this.connection();
    const until = Date.now() + timeoutMs;
    const move = async (subject: string, leader: () => Promise<string | undefined>): Promise<void> => {
      for (;;) {
        const now = await leader();
        if (now === name) return;
        if (Date.now() > until) throw new Error(`could not move the leader of ${subject} to ${name}`);
        if (now) await admin.request(subject, undefined, { timeout: 5_000 }).catch(() => undefined);
        await sleep(500);
      }
    };
    await move(`$JS.API.STREAM.LEADER.STEPDOWN.${stream}`, () => this.leaderOf(stream));
    for (const consumer of consumers) {
      await move(`$JS.API.CONSUMER.LEADER.STEPDOWN.${stream}.${consumer}`, () => this.consumerLeaderOf(stream, consumer));
    }
  }

  /** Replicas of a stream, and whether each is current. */
  async replicasOf(stream: string): Promise<{ replicas: number; peers: string[] }> {
    const info = await (await this.admin()).streams.info(stream);
    return { replicas: info.config.num_replicas, peers: [info.cluster?.leader ?? '', ...(info.cluster?.replicas ?? []).map((r) => r.name)].filter(Boolean) };
  }

  async close(): Promise<void> {
    await this.#admin?.close().catch(() => undefined);
    await Promise.all(this.#nodes.map((node) => this.kill(node.name)));
    await rm(this.#dir, { recursive: true, force: true });
  }
}
