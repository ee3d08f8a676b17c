// Debian's Chromium driven by playwright-core: the browser the report's page is tested (and its chart library measured) in.
// playwright-core downloads nothing; the browser is the system's, installed by .ci/run.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why a browser test cannot run here, or undefined when it can. Under CI the browser is installed, so its absence is a failure, not a skip. */
export function chromiumMissing(env: NodeJS.ProcessEnv = process.env, browser = CHROMIUM): string | undefined {
  if (existsSync(browser)) return undefined;
  if (env.CI) throw new Error(`${browser} is missing under CI: .ci/run installs Debian's chromium`);
  return `${browser} is missing (apt-get install chromium): the browser tests are skipped`;
}

/**
 * A headless Chromium with nothing that phones home. Playwright gives each launch a fresh profile of its own in a
 * temporary folder (and refuses --user-data-dir in args), and removes it on close.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
