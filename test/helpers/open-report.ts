// A report page opened as a reader would open the file, with the network cut: every request the page makes is
// recorded and refused (but the file itself), and what the page logs as an error is kept for the test to see.
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.js';

export interface OpenedReport {
  page: Page;
  /** Every request the page made, the document's own included (the first). */
  requests: string[];
  /** Requests that did not complete, with Chromium's reason: 'csp' when the page's policy refused them before they left. */
  failed: Array<{ url: string; reason: string }>;
  /** console.error messages and uncaught page errors, Content-Security-Policy refusals included. */
  consoleErrors: string[];
  close: () => Promise<void>;
}

export async function openReport(file: string, viewport = { width: 1280, height: 900 }): Promise<OpenedReport> {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport, offline: true, serviceWorkers: 'block' });
    await context.setOffline(true);
    const own = pathToFileURL(file).href;
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    const failed: Array<{ url: string; reason: string }> = [];
    await context.route('**/*', async (route) => {
      await (route.request().url() === own ? route.continue() : route.abort('blockedbyclient'));
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`page: ${error.message}`));
    // Every request, those the route does not see (data: URLs, for one) too.
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failed.push({ url: request.url(), reason: request.failure()?.errorText ?? '' }));
    await page.goto(own, { waitUntil: 'load' });
    return { page, requests, failed, consoleErrors, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
