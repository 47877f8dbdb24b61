import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';

type Teardown = { teardown(fn: () => unknown): void };

/** Debian's Chromium (`npm run setup` installs it); no browser is downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A page in headless Chromium with a new, empty profile, closed (and the
 * profile removed) after the test. The flags keep Chromium off the network:
 * a closed machine refuses its background connections by the dozen.
 */
export async function openBrowserPage(t: Teardown, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const profile = await mkdtemp(path.join(tmpdir(), 'omnibot-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.teardown(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });
  return context.pages()[0] ?? (await context.newPage());
}
