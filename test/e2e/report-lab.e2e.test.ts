import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../lab/src/http.js';
import { runBin, startBin, userEnv, type Running } from '../helpers/bin.js';
import { chromiumMissing } from '../helpers/chromium.js';
import { openReport } from '../helpers/open-report.js';
import { sleep } from '../../src/sleep.js';

// The "done when": a report of the lab's load, with its attacks, its failures, a silence and the stream's
// stop, opened offline in Chromium with every section filled and the overview equal to jq's over the same ndjson.

const OVERVIEW_JQ = fileURLToPath(new URL('../support/report-overview.jq', import.meta.url));
const OUTPUT = fileURLToPath(new URL('../../test-output/', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('../../docs/report-screenshot.png', import.meta.url));
const CLUSTER = 'auroralab-postgres-cluster';
const skip = chromiumMissing();

let lab: Running;
let env: Record<string, string>;
let port: number;
let dir: string;
let pauseFrom = 0;

beforeAll(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'das-read-report-lab-'));
  port = await freePort();
  lab = startBin(['lab', '--port', String(port)]);
  await lab.lines(1, 20_000);
  env = userEnv({ AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'lab', AWS_SECRET_ACCESS_KEY: 'lab' });
}, 30_000);
afterAll(async () => {
  if (lab) {
    lab.child.kill('SIGINT');
    await lab.finished;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip !== undefined)('a report of the lab, in a real browser', () => {
  it('opens offline with every section filled, the overview equal to jq, and coverage naming the silence and the stop', async () => {
    const started = await runBin(['start', '--cluster', CLUSTER, '--kms-key', 'alias/auroralab-postgres-das', '--apply-immediately', '--wait'], env);
    expect(started.code, started.stderr).toBe(0);
    await sleep(6_000);
    const attacked = await runBin(['lab', '--attack', 'all', '--port', String(port)], env);
    expect(attacked.code, attacked.stderr).toBe(0);
    // The attack's events out first: a pause drops what the lab would have sent during it.
    await sleep(3_000);
    // A silence of 8 s: no record, no heartbeat.
    pauseFrom = Date.now();
    const paused = await fetch(`http://127.0.0.1:${port}/_lab/pause/8`, { method: 'POST' });
    expect(paused.ok).toBe(true);
    await sleep(12_000);
    const saved = join(dir, 'lab.ndjson');
    const read = await runBin(['--cluster', CLUSTER, '--no-follow', '-o', 'ndjson', '--include-heartbeats'], env);
    expect(read.code, read.stderr).toBe(0);
    writeFileSync(saved, read.stdout);
    const stopped = await runBin(['stop', '--cluster', CLUSTER, '--apply-immediately', '--wait', '--yes'], env);
    expect(stopped.code, stopped.stderr).toBe(0);

    const page = join(dir, 'report.html');
    const report = await runBin(['report', saved, '--cluster', CLUSTER, '--until', '0s', '--gap-threshold', '5s', '-O', page], env);
    expect(report.code, report.stderr).toBe(0);
    const jq = spawnSync('jq', ['-n', '-c', '-f', OVERVIEW_JQ, saved], { encoding: 'utf8' });
    expect(jq.status, jq.stderr).toBe(0);
    const expected = JSON.parse(jq.stdout) as Record<string, number | string[]>;

    const opened = await openReport(page);
    try {
      const { page: tab } = opened;
      const count = async (name: string) => Number((await tab.locator(`[data-count="${name}"]`).first().textContent())?.replace(/[^\d]/g, ''));
      for (const name of ['events', 'users', 'sessions', 'failures'] as const) expect(await count(name), name).toBe(expected[name]);
      expect(expected.events as number).toBeGreaterThan(100);
      // Every section has something to show: the lab's trickle and attacks make each kind of event.
      for (const id of ['statements', 'failures', 'logons', 'changes', 'writes', 'clients', 'findings']) {
        expect(await tab.locator(`section#${id} table tbody tr`).count(), `rows in #${id}`).toBeGreaterThan(0);
      }
      const coverage = (await tab.locator('section#coverage').textContent()) ?? '';
      expect(coverage).toMatch(/RDS-EVENT-0180|stopped/);
      // The silence is named with its time (to the second, UTC).
      const silence = new Date(pauseFrom).toISOString().slice(11, 16);
      expect(coverage).toContain(silence);
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.requests.slice(1)).toEqual([]);
      // Kept where the run's output can find it (test-output/ is ignored by git); the README's is made with UPDATE_SCREENSHOT=1.
      mkdirSync(OUTPUT, { recursive: true });
      const shot = join(OUTPUT, 'report-lab-1280.png');
      await tab.screenshot({ path: shot, fullPage: false });
      process.stdout.write(`report screenshot (1280 px): ${shot}\n`);
      if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(shot, SCREENSHOT);
      expect(readFileSync(shot).length).toBeGreaterThan(10_000);
    } finally {
      await opened.close();
    }
  }, 120_000);
});
