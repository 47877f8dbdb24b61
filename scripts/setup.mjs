#!/usr/bin/env node
// `npm run setup`: installs the npm dependencies and, where they are missing, nats-server and
// Chromium (the browser tests of `omnibot dev` drive Debian's chromium; nothing downloads a browser).
// Uses only Node's own modules, because it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

function run(command, args) {
  process.stdout.write(`setup: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    process.stderr.write(`setup: "${command} ${args.join(' ')}" failed with exit code ${result.status}\n`);
    process.exit(result.status ?? 1);
  }
}

function natsServerVersion() {
  const result = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function chromiumVersion() {
  const result = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

const isDebian = existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let aptUpdated = false;

function aptInstall(packages) {
  if (!aptUpdated) run('apt-get', ['update']);
  aptUpdated = true;
  run('apt-get', ['install', '-y', '--no-install-recommends', ...packages]);
}

run('npm', ['ci', '--no-audit', '--no-fund']);

let version = natsServerVersion();
if (!version) {
  if (!isDebian || !isRoot) {
    process.stderr.write(
      [
        'setup: nats-server is not on the PATH, and this setup can only install it on Debian as root.',
        '  Install nats-server 2.9 or newer (JetStream is built in), then run "npm run setup" again:',
        '    Debian/Ubuntu:  sudo apt-get install -y nats-server',
        '    macOS:          brew install nats-server',
        '    elsewhere:      the nats-server release binary for your platform, on the PATH',
        '  To run omnibot against an existing NATS server instead, set NATS_URL (the tests still need nats-server).',
        '',
      ].join('\n'),
    );
    process.exit(1);
  }
  aptInstall(['nats-server']);
  version = natsServerVersion();
  if (!version) {
    process.stderr.write('setup: nats-server was installed but does not run; check "nats-server --version"\n');
    process.exit(1);
  }
}
let chromium = chromiumVersion();
if (!chromium) {
  if (!isDebian || !isRoot) {
    process.stderr.write(
      [
        `setup: ${CHROMIUM} is missing; the browser tests (test/dev/browser.test.ts) need Chromium.`,
        '  Debian/Ubuntu:  sudo apt-get install -y chromium',
        '  elsewhere:      install Chromium or Chrome and set CHROMIUM_PATH to its executable',
        '',
      ].join('\n'),
    );
    process.exit(1);
  }
  aptInstall(['chromium']);
  chromium = chromiumVersion();
  if (!chromium) {
    process.stderr.write(`setup: chromium was installed but ${CHROMIUM} does not run; check "${CHROMIUM} --version"\n`);
    process.exit(1);
  }
}
process.stdout.write(`setup: ${version}, ${chromium} and the npm dependencies are ready\n`);
