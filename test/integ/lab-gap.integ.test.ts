import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { ActivityEmitter } from '../../lab/src/activity-emitter.js';
import { LAB_CLUSTER, LAB_KEY_ALIAS, startLabSession } from '../../lab/src/lab-session.js';
import type { PostgresServer } from '../../lab/src/pgbench-synthetic.js';
import { memoryIO } from '../helpers/memory-io.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';
import { waitFor } from '../helpers/wait-for.js';

type Event = Record<string, unknown>;

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab();
});
afterAll(async () => {
  await lab?.close();
});

async function das(endpoint: string, args: string[]) {
  const io = memoryIO();
  const code = await run([...args, '--endpoint-url', endpoint], io, { nodePath: process.execPath });
  return { code, stderr: io.stderr.text, events: () => io.stdout.lines().map((line) => JSON.parse(line) as Event) };
}

/** A DAS time (`2026-12-07 11:53:13.000000+00`) in epoch ms. */
function millis(event: Event): number {
  const [, day, clock, fraction = '0'] = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\.(\d+)/.exec(String(event.logTime)) ?? [];
  return Date.parse(`${day}T${clock}Z`) + Math.floor(Number(fraction) / 1000);
}

const server: PostgresServer = { serverHost: '10.0.1.9', serverVersion: '15.4', databaseName: 'postgres', dbUserName: 'postgres' };

describe('a gap in the trail on demand (the lab emitter paused)', () => {
  it('while paused the stream carries nothing, heartbeats included; after, it resumes', async () => {
    const stream = await lab.activityStream({ name: 'gap-pg' });
    // The emitter's clock, stepped by the test: a round a second for 30 s, paused 10 s from second 8.
    const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    let clock = base;
    const emitter = new ActivityEmitter({
      kms: lab.clients.kms,
      kinesis: lab.clients.kinesis,
      database: stream.database,
      server,
      instanceId: 'db-GAPTESTINSTANCE',
      monitoringMs: 3_000,
      now: () => clock,
    });
    let span: { from: number; until: number } | undefined;
    for (let second = 0; second <= 30; second++) {
      clock = base + second * 1000;
      if (second === 8) span = emitter.pause(10_000);
      await emitter.flush();
    }
    expect(span).toEqual({ from: base + 8_000, until: base + 18_000 });

    const read = await das(lab.endpoint, ['--cluster', 'gap-pg', '--no-follow', '--include-heartbeats', '-o', 'ndjson']);
    expect(read.code, read.stderr).toBe(0);
    const events = read.events();
    const heartbeats = events.filter((event) => event.type === 'heartbeat').map(millis);
    const activity = events.filter((event) => event.type !== 'heartbeat').map(millis);
    const seconds = (times: number[]) => times.map((time) => (time - base) / 1000);
    expect(seconds(heartbeats)).toEqual([0, 2, 4, 6, 18, 20, 22, 24, 26, 28, 30]);
    // rdsadmin's monitoring queries stop too, and come back.
    expect(activity.length).toBeGreaterThan(0);
    expect(activity.filter((time) => time >= base + 8_000 && time < base + 18_000)).toEqual([]);
    expect(activity.some((time) => time < base + 8_000)).toBe(true);
    expect(activity.some((time) => time >= base + 18_000)).toBe(true);
  });

  it('POST /_lab/pause/<seconds> silences a running lab session; refused out of range, and before a session', async () => {
    const post = (endpoint: string, path: string) => fetch(`${endpoint}${path}`, { method: 'POST' });
    const before = await post(lab.endpoint, '/_lab/pause/5');
    expect(before.status).toBe(409);

    const session = await startLabSession({ nodePath: process.execPath, port: 0, transitionMs: 100, transactionsPerSecond: 20 });
    try {
      const started = await das(session.lab.endpoint, ['start', '--cluster', LAB_CLUSTER, '--kms-key', LAB_KEY_ALIAS, '--apply-immediately', '--wait']);
      expect(started.code, started.stderr).toBe(0);
      for (const seconds of ['0', '3601']) expect((await post(session.lab.endpoint, `/_lab/pause/${seconds}`)).status).toBe(400);

      const answer = await post(session.lab.endpoint, '/_lab/pause/600');
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { seconds: number; from: string; until: string };
      expect(body.seconds).toBe(600);
      expect(Date.parse(body.until) - Date.parse(body.from)).toBe(600_000);
      // The emitter's rounds, run here rather than waited for: paused, each puts nothing, though the load goes on.
      const put = session.emitter.recordsPut;
      for (let round = 0; round < 3; round++) await session.emitter.flush();
      expect(session.emitter.recordsPut).toBe(put);
      // A pause of 1 s from now replaces it: once past, records flow again.
      session.pause(1);
      await waitFor(() => session.emitter.recordsPut > put, { what: 'records after the pause', intervalMs: 100 });
    } finally {
      await session.close();
    }
  });
});
