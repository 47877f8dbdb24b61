// Every benchmark, one after the other, each in its own process so they don't disturb each
// other: `npm run bench` (which builds first). Prints one JSON object on stdout,
// { parser: {...}, ingest: {...}, e2e: {...}, watcher: {...} }; the benchmarks' diagnostics pass through on stderr.
// A benchmark that fails (non-zero exit, no JSON, or too slow) makes this exit non-zero.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = [
  { name: 'parser', file: 'parser.mjs', timeoutMs: 60_000 },
  { name: 'ingest', file: 'ingest.mjs', timeoutMs: 100_000 },
  { name: 'e2e', file: 'e2e.mjs', timeoutMs: 150_000 },
  { name: 'watcher', file: 'watcher.mjs', timeoutMs: 300_000 },
];

function runBenchmark({ name, file, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL(file, import.meta.url))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      reject(new Error(`benchmark ${name} took longer than ${timeoutMs / 1000} s; stopped`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`benchmark ${name} failed (${signal ?? `exit code ${code}`})`));
      try {
        resolve(JSON.parse(stdout.trim()));
      } catch (error) {
        reject(new Error(`benchmark ${name} printed no JSON object: ${error.message}\n${stdout}`));
      }
    });
  });
}

try {
  const results = {};
  for (const benchmark of BENCHMARKS) {
    console.error(`[bench] ${benchmark.name} …`);
    results[benchmark.name] = await runBenchmark(benchmark);
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} catch (error) {
  console.error(`[bench] ${error.message}`);
  process.exitCode = 1;
}
