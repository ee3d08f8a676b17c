import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/html/render-report.js';
import { chromiumMissing } from '../helpers/chromium.js';
import { openReport, type OpenedReport } from '../helpers/open-report.js';
import { HOSTILE_HTML, sampleReport } from '../helpers/sample-report.js';
import { scratchDir } from '../helpers/scratch-dir.js';

// The report as a reader opens it: a file in Debian's Chromium, the network cut off. Skipped (with a word on stderr)
// where that browser is not installed; never under CI, which installs it.
const missing = chromiumMissing();
if (missing) console.warn(`skipped the report page's browser tests: ${missing}`); // eslint-disable-line no-console

const SCREENSHOT = fileURLToPath(new URL('../../docs/report-screenshot.png', import.meta.url));

// Browser code is written as text: this program's types know Node, not the DOM.
/** Pixels of a canvas that are not blank, per chart. */
const paintedPixels = (opened: OpenedReport) =>
  opened.page.evaluate<Array<{ chart: string | null; layers: number; painted: number }>>(`
    [...document.querySelectorAll('[data-chart]')].map((chart) => {
      let painted = 0;
      for (const canvas of chart.querySelectorAll('canvas')) {
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) painted++;
      }
      return { chart: chart.getAttribute('data-chart'), layers: Number(chart.getAttribute('data-drawn') ?? 0), painted };
    })
  `);

const pwned = (opened: OpenedReport) => opened.page.evaluate<unknown>('window.pwned');

describe.skipIf(Boolean(missing))('the report page in headless Chromium, offline', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await scratchDir('report-page-');
  });

  describe('the sample report', () => {
    const data = sampleReport();
    let opened: OpenedReport;
    let file = '';
    beforeAll(async () => {
      file = join(dir, 'report.html');
      await writeFile(file, renderReport(data));
      opened = await openReport(file);
    }, 60_000);
    afterAll(async () => opened?.close());

    it('loads with no console error, no page error, and no request beyond the document', async () => {
      await opened.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.requests).toEqual([pathToFileURL(file).href]);
    });

    it('draws every chart: each layer given to uPlot, and pixels painted', async () => {
      const charts = await paintedPixels(opened);
      expect(charts.map((chart) => chart.chart)).toEqual(['by-class', 'by-user']);
      expect(charts[0]?.layers).toBe(Object.keys(data.activity.byClass).length);
      expect(charts[1]?.layers).toBe(Object.keys(data.activity.byUser).length + 1);
      for (const chart of charts) expect(chart.painted, chart.chart ?? '').toBeGreaterThan(10_000);
    });

    it("shows the overview's numbers as the data has them", async () => {
      const shown = await opened.page.$$eval('[data-count]', (elements) =>
        elements.map((element) => [element.getAttribute('data-count'), Number(element.getAttribute('value')), element.textContent] as const),
      );
      const { events, users, sessions, failures, findings, heartbeats, unreadable } = data.overview;
      const expected = { events, users, sessions, failures, findings, heartbeats, unreadable };
      expect(Object.fromEntries(shown.map(([key, value]) => [key, value]))).toEqual(expected);
      for (const [key, value, text] of shown) expect(Number(text?.replaceAll(',', '')), key ?? '').toBe(value);
    });

    it('names the heartbeat gap and the stream stop in its coverage section', async () => {
      const coverage = await opened.page.locator('#coverage').innerText();
      expect(coverage).toContain('2026-12-07 11:12:00Z – 2026-12-07 11:19:30Z (7 min 30 s)');
      expect(coverage).toMatch(/stopped\s+RDS-EVENT-0180/);
      expect(coverage).toContain('Covered 3 h 40 min of 4 h (2 instances × 2 h) of the window (91.9%).');
    });

    it('makes a full-page screenshot at 1280 px', async () => {
      const shot = join(dir, 'report-screenshot.png');
      await opened.page.screenshot({ path: shot, fullPage: true });
      const width = await opened.page.evaluate<number>('document.documentElement.scrollWidth');
      expect(width).toBeLessThanOrEqual(1280);
      console.log(`report page screenshot: ${shot}`); // eslint-disable-line no-console
      if (process.env.UPDATE_SCREENSHOT === '1') {
        await copyFile(shot, SCREENSHOT);
        console.log(`and ${SCREENSHOT}`); // eslint-disable-line no-console
      }
    });
  });

  describe('a window of three minutes (the lab after a short run)', () => {
    let opened: OpenedReport;
    beforeAll(async () => {
      const data = sampleReport();
      const from = data.activity.buckets[0] as number;
      const three = (values: number[]) => values.slice(0, 3);
      data.activity = {
        ...data.activity,
        bucketMs: 60_000,
        buckets: [from, from + 60_000, from + 120_000],
        byClass: Object.fromEntries(Object.entries(data.activity.byClass).map(([key, values]) => [key, three(values)])),
        byUser: Object.fromEntries(Object.entries(data.activity.byUser).map(([key, values]) => [key, three(values)])),
        byUserOther: three(data.activity.byUserOther),
      };
      const file = join(dir, 'three-minutes.html');
      await writeFile(file, renderReport(data));
      opened = await openReport(file);
      // uPlot writes its axes' values on the canvas: what it writes is kept, and the page drawn again.
      await opened.page.addInitScript(`
        window.axisText = [];
        const fillText = CanvasRenderingContext2D.prototype.fillText;
        CanvasRenderingContext2D.prototype.fillText = function (text, x, y, width) {
          window.axisText.push(String(text));
          return fillText.call(this, text, x, y, width);
        };
      `);
      await opened.page.reload({ waitUntil: 'load' });
    }, 60_000);
    afterAll(async () => opened?.close());

    it('labels each tick of the time axis with a time of its own (ticks a minute apart at least, as the buckets are)', async () => {
      const times = (await opened.page.evaluate<string[]>('window.axisText')).filter((text) => /^\d\d:\d\d/.test(text));
      expect(times.length).toBeGreaterThanOrEqual(6);
      // Two charts, each its own axis: within one, no label repeats.
      const half = times.slice(0, times.length / 2);
      expect(new Set(half).size, half.join(' ')).toBe(half.length);
    });
  });

  describe('hostile text in a statement, an application, a user name and a rule title', () => {
    const [statement, application, user, ruleTitle] = [HOSTILE_HTML[0], HOSTILE_HTML[1], HOSTILE_HTML[2], HOSTILE_HTML[3]];
    let opened: OpenedReport;
    beforeAll(async () => {
      const file = join(dir, 'hostile.html');
      await writeFile(file, renderReport(sampleReport({ statement, application, user, ruleTitle })));
      opened = await openReport(file);
    }, 60_000);
    afterAll(async () => opened?.close());

    it('renders each as visible text, and none runs', async () => {
      const page = opened.page;
      expect(await page.locator('#statements').innerText()).toContain(statement);
      expect(await page.locator('#clients').innerText()).toContain(application);
      expect(await page.locator('#logons').innerText()).toContain(user);
      expect(await page.locator('#findings').innerText()).toContain(ruleTitle);
      // The user is a chart's layer too: uPlot's legend holds the name as text.
      expect(await page.locator('[data-chart="by-user"] .u-legend').innerText()).toContain(user);
      expect(await pwned(opened)).toBeUndefined();
      expect(await page.evaluate<number>("document.querySelectorAll('img, iframe, svg, object, embed').length")).toBe(0);
      expect(await page.evaluate<number>('document.scripts.length')).toBe(3);
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.requests).toHaveLength(1);
    });
  });

  describe('its policy, should a value ever reach the page as markup', () => {
    let opened: OpenedReport;
    beforeAll(async () => {
      // What an escaping bug would leave: markup of a client's in the page itself.
      const file = join(dir, 'injected.html');
      const page = renderReport(sampleReport()).replace(
        '<main>',
        `<main>${HOSTILE_HTML.slice(0, 3).join('')}<img src="https://attacker.example/x.png"><link rel="stylesheet" href="https://attacker.example/x.css">`,
      );
      await writeFile(file, page);
      opened = await openReport(file);
    }, 60_000);
    afterAll(async () => opened?.close());

    it('runs none of it and lets it fetch nothing', async () => {
      expect(await pwned(opened)).toBeUndefined();
      // Chromium names each request the markup asked for, and its policy refused each before it left.
      expect(opened.requests.length).toBeGreaterThan(1);
      expect(opened.failed).toEqual(opened.requests.slice(1).map((url) => ({ url, reason: 'csp' })));
      expect(opened.consoleErrors.join('\n')).toMatch(/Content Security Policy/);
      // The report's own scripts still ran: the charts are drawn.
      expect((await paintedPixels(opened)).every((chart) => chart.painted > 0)).toBe(true);
    });
  });
});
