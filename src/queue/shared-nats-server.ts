import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, readFile, realpath, rm, unlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { sleep } from '../sleep.js';
import { startNatsServer, type NatsServerProcess } from './nats-server.js';

/**
 * One embedded nats-server per store, whatever the number of omnibot processes
 * pointed at it. The first process to claim the store's lock starts the server
 * (the owner); the others use it (guests). The lock is a Unix socket that only
 * one process can listen on: on Linux in the abstract namespace, which the
 * kernel frees when its process dies, even by SIGKILL, so a killed owner leaves
 * no stale lock behind. The socket also tells guests the server's URL, and its
 * closing tells them the owner is gone: one of them then starts the server again
 * on the same port, so every process's connection finds it again.
 */

export interface SharedNatsLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface SharedNatsServerOptions {
  /** The JetStream store: $DATA_DIR/nats. */
  readonly storeDir: string;
  readonly logger: SharedNatsLogger;
  readonly binary?: string;
  readonly startTimeoutMs?: number;
}

export interface SharedNatsServer {
  readonly url: string;
  /** Whether this process runs the server now (a guest becomes the owner when the owner stops). */
  readonly owner: boolean;
  /** As the owner: the nats-server's pid. */
  readonly pid: number | undefined;
  /** As a guest: the pid of the omnibot process that runs the server. */
  readonly ownerPid: number | undefined;
  /** Called when the server can't be followed any more: the process can't reach NATS again and should stop. */
  onLost(listener: (error: Error) => void): void;
  /** From now on, losing the owner is expected: no take-over; the owner is told this guest drains. Called first thing on shutdown. */
  stopping(): void;
  /**
   * As the owner: waits, at most `ms`, until the guests that are draining too (a
   * signal to the process group) have left, so that their last acks reach the server.
   */
  guestsGone(ms: number): Promise<void>;
  /** As the owner, stops the server (SIGTERM, SIGKILL after `graceMs`) and frees the lock; as a guest, leaves. */
  stop(graceMs?: number): Promise<void>;
}

interface OwnerAnnouncement {
  readonly url: string;
  readonly pid: number;
}

interface StoreState {
  /** The nats-server's pid, to stop it if its owner was killed and left it running. */
  readonly natsPid: number;
  readonly port: number;
  /** Where the owner runs, and when it last said it was alive: a lock socket is seen by one host (network namespace) only. */
  readonly host: string;
  readonly heartbeatAt: number;
}

/** The store is served by an omnibot process that this one can't reach (another host or container): it must not start a second server. */
export class StoreInUseError extends Error {
  override readonly name = 'StoreInUseError';
}

const STATE_FILE = 'omnibot-nats.json';
/** What a guest tells the owner when it stops too, and how long the owner listens for it. */
const DRAINING = 'draining';
const NOTICE_MS = 500;
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_STALE_MS = 3 * HEARTBEAT_MS;
const ANNOUNCE_TIMEOUT_MS = 15_000;
const ACQUIRE_ATTEMPTS = 20;

async function lockAddress(storeDir: string): Promise<string> {
  const id = createHash('sha256').update(await realpath(storeDir)).digest('hex').slice(0, 32);
  // Abstract sockets exist on Linux only; elsewhere a socket file, which a killed owner leaves behind (see listen()).
  return process.platform === 'linux' ? `\0omnibot-nats-${id}` : path.join(tmpdir(), `omnibot-nats-${id}.sock`);
}

function listen(address: string): Promise<net.Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(undefined);
      else reject(error);
    });
    server.listen(address, () => resolve(server));
  });
}

/** Connects to the owner and reads its announcement; undefined when there is no owner (any more). */
function visit(address: string): Promise<{ socket: net.Socket; announcement: OwnerAnnouncement } | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    let buffer = '';
    const timer = setTimeout(() => finish(undefined), ANNOUNCE_TIMEOUT_MS);
    const finish = (announcement: OwnerAnnouncement | undefined): void => {
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.removeAllListeners('close');
      socket.removeAllListeners('error');
      if (!announcement) {
        socket.destroy();
        resolve(undefined);
        return;
      }
      resolve({ socket, announcement });
    };
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const line = buffer.split('\n')[0];
      if (line === undefined || !buffer.includes('\n')) return;
      try {
        const parsed = JSON.parse(line) as Partial<OwnerAnnouncement>;
        finish(typeof parsed.url === 'string' && typeof parsed.pid === 'number' ? { url: parsed.url, pid: parsed.pid } : undefined);
      } catch {
        finish(undefined);
      }
    });
    socket.on('error', () => finish(undefined));
    socket.on('close', () => finish(undefined));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Only a nats-server serving this very store: a recycled pid must never be killed. */
async function isNatsServerOf(pid: number, storeDir: string): Promise<boolean> {
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return path.basename(argv[0] ?? '') === 'nats-server' && argv.includes(storeDir);
  } catch {
    return false;
  }
}

/**
 * Before starting the store's server: refuses when an owner on another host
 * (a container sharing the volume) still serves it, and stops a nats-server
 * left on the store by an owner that was killed (SIGKILL skips every clean-up).
 */
async function checkStore(storeDir: string, logger: SharedNatsLogger): Promise<void> {
  let state: Partial<StoreState>;
  try {
    state = JSON.parse(await readFile(path.join(storeDir, STATE_FILE), 'utf8')) as Partial<StoreState>;
  } catch {
    return;
  }
  if (state.host !== undefined && state.host !== hostname() && Date.now() - (state.heartbeatAt ?? 0) < HEARTBEAT_STALE_MS) {
    throw new StoreInUseError(
      `${storeDir} is served by the embedded nats-server of an omnibot process on host ${state.host}, which this process can't share: set NATS_URL to a NATS server every process reaches, or give each host its own DATA_DIR`,
    );
  }
  // A pid means something on its own host only.
  if (state.host !== undefined && state.host !== hostname()) return;
  const pid = state.natsPid;
  if (typeof pid !== 'number' || !alive(pid) || !(await isNatsServerOf(pid, storeDir))) return;
  logger.warn({ nats_pid: pid, store: storeDir }, 'stopping the nats-server that a killed omnibot process left running on this store');
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; alive(pid) && waited < 5_000; waited += 50) await sleep(50);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

class Lease implements SharedNatsServer {
  readonly #options: SharedNatsServerOptions;
  readonly #storeDir: string;
  readonly #address: string;
  #url = '';
  #lock: net.Server | undefined;
  #server: NatsServerProcess | undefined;
  #guests = new Set<net.Socket>();
  /** Guests that said they are stopping too. */
  #draining = new Set<net.Socket>();
  #ownerSocket: net.Socket | undefined;
  #stopping = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #lostListeners: ((error: Error) => void)[] = [];
  /** As a guest: the pid of the omnibot process that runs the server. */
  ownerPid: number | undefined;

  constructor(options: SharedNatsServerOptions, storeDir: string, address: string) {
    this.#options = options;
    this.#storeDir = storeDir;
    this.#address = address;
  }

  get url(): string {
    return this.#url;
  }

  get owner(): boolean {
    return this.#server !== undefined;
  }

  /** As the owner: the nats-server's pid. */
  get pid(): number | undefined {
    return this.#server?.pid;
  }

  onLost(listener: (error: Error) => void): void {
    this.#lostListeners.push(listener);
  }

  stopping(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#ownerSocket?.write(`${DRAINING}\n`);
  }

  /** Owner or guest, whichever the lock allows; `port` keeps the URL of a server being taken over. */
  async acquire(port?: number): Promise<void> {
    for (let attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt += 1) {
      const lock = await this.#listen();
      if (lock) {
        await this.#own(lock, port);
        return;
      }
      const owner = await visit(this.#address);
      if (owner) {
        this.#follow(owner.socket, owner.announcement);
        return;
      }
      // The owner went away between our listen and our visit (or failed to start): try again.
      await sleep(50 + Math.random() * 200);
    }
    throw new Error(`could not share the embedded nats-server of ${this.#storeDir}: its lock changed hands ${ACQUIRE_ATTEMPTS} times`);
  }

  async #listen(): Promise<net.Server | undefined> {
    const lock = await listen(this.#address);
    if (lock || process.platform === 'linux') return lock;
    // A socket file without a listener is a killed owner's: remove it and try once more.
    const visited = await new Promise<boolean>((resolve) => {
      const probe = net.connect(this.#address, () => {
        probe.destroy();
        resolve(true);
      });
      probe.on('error', () => resolve(false));
    });
    if (visited) return undefined;
    await unlink(this.#address).catch(() => undefined);
    return listen(this.#address);
  }

  async #own(lock: net.Server, port: number | undefined): Promise<void> {
    this.#lock = lock;
    this.ownerPid = undefined;
    const pending: net.Socket[] = [];
    lock.on('connection', (socket: net.Socket) => {
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes(DRAINING)) this.#draining.add(socket);
      });
      this.#guests.add(socket);
      socket.once('close', () => {
        this.#guests.delete(socket);
        this.#draining.delete(socket);
      });
      if (this.#url) socket.write(`${JSON.stringify({ url: this.#url, pid: process.pid })}\n`);
      else pending.push(socket);
    });
    try {
      await checkStore(this.#storeDir, this.#options.logger);
      this.#server = await startNatsServer({
        storeDir: this.#storeDir,
        detached: true,
        ...(port ? { port } : {}),
        ...(this.#options.binary ? { binary: this.#options.binary } : {}),
        ...(this.#options.startTimeoutMs ? { startTimeoutMs: this.#options.startTimeoutMs } : {}),
      });
    } catch (error) {
      for (const socket of this.#guests) socket.destroy();
      lock.close();
      this.#lock = undefined;
      throw error;
    }
    this.#url = this.#server.url;
    const server = this.#server;
    const beat = (): Promise<void> => {
      const state: StoreState = { natsPid: server.pid, port: server.port, host: hostname(), heartbeatAt: Date.now() };
      return writeFile(path.join(this.#storeDir, STATE_FILE), `${JSON.stringify(state)}\n`);
    };
    await beat();
    this.#heartbeat = setInterval(() => void beat().catch(() => undefined), HEARTBEAT_MS);
    this.#heartbeat.unref();
    for (const socket of pending) socket.write(`${JSON.stringify({ url: this.#url, pid: process.pid })}\n`);
  }

  #follow(socket: net.Socket, announcement: OwnerAnnouncement): void {
    if (this.#url && announcement.url !== this.#url) {
      socket.destroy();
      throw new Error(`the embedded nats-server of ${this.#storeDir} moved from ${this.#url} to ${announcement.url}; restart this process to follow it`);
    }
    this.#url = announcement.url;
    this.#ownerSocket = socket;
    this.ownerPid = announcement.pid;
    socket.on('error', () => undefined);
    socket.once('close', () => {
      this.#ownerSocket = undefined;
      if (!this.#stopping) void this.#takeOver();
    });
  }

  async #takeOver(): Promise<void> {
    const port = Number(new URL(this.#url).port);
    this.#options.logger.warn({ url: this.#url, owner_pid: this.ownerPid }, 'the omnibot process that ran the embedded nats-server stopped; taking it over');
    try {
      await this.acquire(port);
      if (this.owner) this.#options.logger.warn({ url: this.#url, nats_pid: this.pid }, 'took over the embedded nats-server on the same port');
      else this.#options.logger.info({ url: this.#url, owner_pid: this.ownerPid }, 'using the embedded nats-server that another omnibot process took over');
    } catch (error) {
      if (this.#stopping) return;
      const lost = error instanceof Error ? error : new Error(String(error));
      for (const listener of this.#lostListeners) listener(lost);
    }
  }

  async guestsGone(ms: number): Promise<void> {
    const started = Date.now();
    // A signal to the process group reaches every process at once: their notices arrive within moments.
    const noticed = started + Math.min(ms, NOTICE_MS);
    for (;;) {
      const now = Date.now();
      if (this.#guests.size === 0 || now - started >= ms) return;
      // Guests that go on running (only the owner was stopped) take the server over once it is gone.
      if (this.#draining.size === 0 && now >= noticed) return;
      await sleep(50);
    }
  }

  async stop(graceMs = 3_000): Promise<void> {
    this.#stopping = true;
    this.#ownerSocket?.destroy();
    const server = this.#server;
    if (!server) return;
    clearInterval(this.#heartbeat);
    await server.stop(graceMs);
    this.#server = undefined;
    await rm(path.join(this.#storeDir, STATE_FILE), { force: true });
    // Guests learn that the owner is gone only now that the port is free for one of them to take over.
    for (const socket of this.#guests) socket.destroy();
    const lock = this.#lock;
    this.#lock = undefined;
    if (lock) {
      const closed = once(lock, 'close');
      lock.close();
      await closed;
    }
  }
}

/**
 * Starts the store's nats-server, or joins the one another omnibot process runs
 * there: never two servers on one store.
 */
export async function openSharedNatsServer(options: SharedNatsServerOptions): Promise<SharedNatsServer> {
  await mkdir(options.storeDir, { recursive: true });
  const storeDir = await realpath(options.storeDir);
  const lease = new Lease(options, storeDir, await lockAddress(storeDir));
  await lease.acquire();
  return lease;
}
