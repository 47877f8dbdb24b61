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

/** What `command --version` prints, or undefined when it does not run. */
function versionOf(command) {
  const result = spawnSync(command, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const isDebian = existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let aptUpdated = false;

function aptInstall(packages) {
  if (!aptUpdated) run('apt-get', ['update']);
  aptUpdated = true;
  run('apt-get', ['install', '-y', '--no-install-recommends', ...packages]);
}

/**
 * The version of `command`, installing `debianPackage` first when it does not run. Where this setup
 * cannot install (not Debian, or not root), prints `help` (lines) and exits.
 */
function ensure(command, debianPackage, help) {
  const version = versionOf(command);
  if (version) return version;
  if (!isDebian || !isRoot) {
    process.stderr.write([...help, ''].join('\n'));
    process.exit(1);
  }
  aptInstall([debianPackage]);
  const installed = versionOf(command);
  if (!installed) {
    // "nats-server was installed but does not run", "chromium was installed but /usr/bin/chromium does not run"
    const which = command === debianPackage ? '' : `${command} `;
    process.stderr.write(`setup: ${debianPackage} was installed but ${which}does not run; check "${command} --version"\n`);
    process.exit(1);
  }
  return installed;
}

run('npm', ['ci', '--no-audit', '--no-fund']);

const version = ensure('nats-server', 'nats-server', [
  'setup: nats-server is not on the PATH, and this setup can only install it on Debian as root.',
  '  Install nats-server 2.9 or newer (JetStream is built in), then run "npm run setup" again:',
  '    Debian/Ubuntu:  sudo apt-get install -y nats-server',
  '    macOS:          brew install nats-server',
  '    elsewhere:      the nats-server release binary for your platform, on the PATH',
  '  To run omnibot against an existing NATS server instead, set NATS_URL (the tests still need nats-server).',
]);
const chromium = ensure(CHROMIUM, 'chromium', [
  `setup: ${CHROMIUM} is missing; the browser tests (test/dev/browser.test.ts) need Chromium.`,
  '  Debian/Ubuntu:  sudo apt-get install -y chromium',
  '  elsewhere:      install Chromium or Chrome and set CHROMIUM_PATH to its executable',
]);
process.stdout.write(`setup: ${version}, ${chromium} and the npm dependencies are ready\n`);
