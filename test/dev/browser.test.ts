import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, openBrowserPage } from '../helpers/browser.js';

type Teardown = { teardown(fn: () => unknown): void };

// `npm start` as a person meets it: the built CLI's `omnibot dev` on the example configuration
// (its own embedded nats-server, made-up credentials), and its page in headless Chromium.
// Every wait is for a condition, with room for a loaded machine; nothing sleeps.
// SCREENSHOT=docs/emulator.png (`npm run screenshot`) also saves what the page shows at the end.

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const WAIT = { timeout: 30_000 };

t.before(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` (npm test does)');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`npm run setup\`, or set CHROMIUM_PATH`);
});

/** Starts `omnibot dev`; resolves with the page's address from what it prints, and how to stop it with Ctrl-C. */
async function startDevCli(t: Teardown): Promise<{ url: string; interrupt(): Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'dev'], {
    env: { PATH: process.env.PATH, PORT: '0', SLACK_EMULATOR_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  const interrupt = async (): Promise<number | null> => {
    child.kill('SIGINT');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`omnibot dev printed no address: ${output}`)), 60_000);
    child.stdout.on('data', () => {
      const match = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], interrupt });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`omnibot dev exited ${code}: ${output}`));
    });
  });
}

t.test('the example bot in a browser: help, a slash command, a button, a modal, and the trace', async (t) => {
  const dev = await startDevCli(t);
  const { url } = dev;
  const page = await openBrowserPage(t);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${url}/`);
  await page.locator('body[data-live="true"]').waitFor({ state: 'attached', ...WAIT });
  const messages = page.locator('#messages');
  const composer = page.getByRole('textbox', { name: 'Message' });

  await t.test('@example-bot help gets the help reply, in the thread of the question', async (t) => {
    await composer.fill('@example-bot help');
    await composer.press('Enter');
    await messages.getByRole('button', { name: '1 reply' }).click(WAIT);
    const thread = page.locator('#thread-messages');
    await thread.getByText('Commands:').waitFor(WAIT);
    t.match(await thread.innerText(), /@example-bot help[\s\S]*example-bot\s*APP[\s\S]*Commands:\s*help\s*Lists what this bot can do\./);
  });

  await t.test('/deploy prod answers in the channel with buttons; Approve replaces the question', async (t) => {
    await composer.fill('/deploy prod');
    await composer.press('Enter');
    const approve = messages.getByRole('button', { name: 'Approve' });
    await approve.waitFor(WAIT);
    t.match(await messages.innerText(), /@alice wants to deploy prod\./);
    await approve.click();
    await messages.getByText('approved the deploy of').waitFor(WAIT);
    t.match(await messages.innerText(), /@alice approved the deploy of prod\./);
    t.equal(await messages.getByRole('button', { name: 'Approve' }).count(), 0, 'the buttons went with the question');
  });

  await t.test('/feedback opens a modal; its submission is posted in the channel', async (t) => {
    await composer.fill('/feedback');
    await composer.press('Enter');
    const modal = page.getByRole('dialog');
    await modal.getByLabel('What do you think?').fill('Loving the emulator');
    await modal.getByLabel('Mood').selectOption('happy');
    await modal.getByRole('button', { name: 'Send' }).click();
    await messages.getByText('Feedback from').waitFor(WAIT);
    await modal.waitFor({ state: 'hidden', ...WAIT });
    t.match(await messages.innerText(), /Feedback from @alice \(happy\): Loving the emulator/);
  });

  await t.test('the trace shows what omnibot-ts did with the slash command', async (t) => {
    const entry = page.locator('#webhooks .webhook', { hasText: 'alice: /deploy prod' });
    await entry.getByRole('button').first().click(WAIT);
    const steps = entry.locator('.steps');
    await steps.getByText('done in').waitFor(WAIT);
    const text = await steps.innerText();
    t.match(text, /stored in OMNIBOT, seq \d+/);
    t.match(text, /handler \{command: \/deploy\} → \.\/dev\/deploy\.js:deploy in \d+ ms/);
    t.match(text, /response_url ← posted/);
    await messages.getByRole('button', { name: '1 reply' }).click();
  });

  const screenshot = process.env.SCREENSHOT;
  if (screenshot) {
    await mkdir(path.dirname(screenshot), { recursive: true });
    await page.mouse.move(700, 880);
    await page.screenshot({ path: screenshot });
  }
  t.same(pageErrors, [], 'the page threw nothing');
  t.equal(await dev.interrupt(), 0, 'Ctrl-C stops everything, with exit code 0');
});
