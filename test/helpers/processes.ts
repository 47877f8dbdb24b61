import { readdir, readFile, realpath } from 'node:fs/promises';

/** The pids of the nats-server processes serving this store, from /proc (Linux). */
export async function natsServersOn(storeDir: string): Promise<number[]> {
  const store = await realpath(storeDir).catch(() => storeDir);
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').then(
      (text) => text.split('\0'),
      (): string[] => [],
    );
    if (argv[0]?.endsWith('nats-server') && argv.includes(store)) pids.push(Number(entry));
  }
  return pids;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops what a test's omnibot processes left on a store: their embedded nats-server runs in a
 * process group of its own, so a test that SIGKILLs them (on failure) must stop it too.
 */
export async function stopNatsServersOn(storeDir: string): Promise<void> {
  const pids = await natsServersOn(storeDir);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  for (let waited = 0; pids.some(alive) && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
}
