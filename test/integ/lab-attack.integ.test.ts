import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import type { DasEvent } from '../../src/decode/types.js';
import { createDetector } from '../../src/detect/detector.js';
import { loadRules } from '../../src/detect/load-rules.js';
import { LAB_CLUSTER, LAB_KEY_ALIAS, startLabSession } from '../../lab/src/lab-session.js';
import { freePort } from '../../lab/src/http.js';
import { startPostgresLoad } from '../../lab/src/postgres/audit-source.js';
import { missingPostgresParts } from '../../lab/src/postgres/throwaway-postgres.js';
import { memoryIO } from '../helpers/memory-io.js';
import { waitFor } from '../helpers/wait-for.js';

async function das(args: string[], env: Record<string, string> = {}) {
  const io = { ...memoryIO(), env };
  const code = await run(args, io, { nodePath: process.execPath });
  return { code, stdout: io.stdout.text, stderr: io.stderr.text, lines: () => io.stdout.lines() };
}

describe('das-read lab --attack', () => {
  it("makes the scenario happen on the running lab's cluster, where the built-in rules catch it", async () => {
    const session = await startLabSession({ nodePath: process.execPath, port: 0, transitionMs: 200, transactionsPerSecond: 20 });
    const port = new URL(session.lab.endpoint).port;
    const endpoint = ['--endpoint-url', session.lab.endpoint];
    try {
      // Before the stream is started no one would see it: the lab says so.
      const early = await das(['lab', '--attack', 'privilege-escalation', '--port', port]);
      expect(early.code).toBe(1);
      expect(early.stderr).toContain('is stopped: start it first');

      const started = await das(['start', '--cluster', LAB_CLUSTER, '--kms-key', LAB_KEY_ALIAS, '--apply-immediately', '--wait', ...endpoint]);
      expect(started.code, started.stderr).toBe(0);
      // No --port: the lab the shell's export line points at (AWS_ENDPOINT_URL).
      const attack = await das(['lab', '--attack', 'privilege-escalation'], { AWS_ENDPOINT_URL: session.lab.endpoint });
      expect(attack.code, attack.stderr).toBe(0);
      expect(attack.stdout).toMatch(/^privilege-escalation: .*\(3 events, simulated\)\n$/);

      let events: DasEvent[] = [];
      await waitFor(
        async () => {
          const read = await das(['--cluster', LAB_CLUSTER, '--no-follow', '-o', 'ndjson', ...endpoint]);
          events = read.lines().map((line) => JSON.parse(line) as DasEvent);
          return events.filter((event) => event.remoteHost === '203.0.113.66').length === 3;
        },
        { what: "the attack's three statements on the stream", intervalMs: 250 },
      );
      const detector = createDetector(await loadRules({ builtin: true, paths: [] }));
      const findings = events.flatMap((event) => detector.observe({ event, eventId: String(event.eventId), clusterId: null, instanceId: null }));
      const titles = new Set(findings.map((finding) => finding.rule.title));
      expect(titles).toContain('PostgreSQL role given superuser or administrative rights');
      // pgbench and the trickle around the attack make no finding of their own.
      expect(findings.every((finding) => finding.evidence.every((seen) => seen.event.remoteHost === '203.0.113.66'))).toBe(true);
    } finally {
      await session.close();
    }
  });

  it('refuses a scenario it does not know, and says when no lab is running', async () => {
    const unknown = await das(['lab', '--attack', 'drop-everything']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('failed-login-burst');
    const nobody = await das(['lab', '--attack', 'bulk-read', '--port', String(await freePort())]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('no lab is running on 127.0.0.1:');
  });
});

// As the lab's --postgres test: run wherever PostgreSQL is installed, and always in CI (which installs it).
const missing = missingPostgresParts();
describe.skipIf(missing.length > 0 && !process.env.CI)('das-read lab --postgres --attack: for real, through psql and pgaudit', () => {
  it('refused passwords as AUTH FAILURE events that the burst rules catch, a superuser ALTER ROLE, pgbench untouched', async () => {
    const server = { serverHost: '10.0.1.5', serverVersion: '15.4', databaseName: 'postgres', dbUserName: 'postgres' };
    const load = await startPostgresLoad(server, { transactionsPerSecond: 5, trickleSeconds: 3_600 });
    try {
      const burst = await load.attack('failed-login-burst');
      expect(burst).toMatchObject({ scenario: 'failed-login-burst', events: 10, real: true });
      const escalation = await load.attack('privilege-escalation');
      expect(escalation?.real).toBe(true);
      const events: DasEvent[] = [];
      await waitFor(
        async () => {
          events.push(...(await load.eventsUntil(Date.now() * 1000)));
          return events.filter((event) => event.command === 'AUTH FAILURE').length >= 10 && events.some((event) => /SUPERUSER/.test(String(event.commandText)));
        },
        { what: "the attacks' events in pgaudit's trail", intervalMs: 250, timeoutMs: 60_000 },
      );
      const refused = events.filter((event) => event.command === 'AUTH FAILURE');
      expect(new Set(refused.map((event) => `${event.dbUserName} ${event.exitCode}`))).toEqual(new Set(['app_owner 28P01']));
      const detector = createDetector(await loadRules({ builtin: true, paths: [] }));
      const findings = events.flatMap((event, n) => detector.observe({ event, eventId: `postgres:${n}`, clusterId: null, instanceId: null }));
      const titles = new Set(findings.map((finding) => finding.rule.title));
      expect(titles).toContain('Burst of refused logins for one database user');
      expect(titles).toContain('PostgreSQL role given superuser or administrative rights');
      expect(events.some((event) => event.clientApplication === 'pgbench')).toBe(true);
    } finally {
      await load.close();
    }
  }, 90_000);
});
