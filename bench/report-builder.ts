// ReportBuilder's cost, measured (issue 37: a report must be built at least twice as fast as jq counts).
//   npx tsx bench/report-builder.ts [FILE]             µs of CPU per event of builder.add over pre-parsed events
//   node --expose-gc --import tsx bench/report-builder.ts [FILE] memory [REPEAT]
//                                                      RSS and heap after REPEAT× the file (default 10), read a line
//                                                      at a time as the command reads, every event a session of its own
//   node --expose-gc --import tsx bench/report-builder.ts - flood [EVENTS]
//                                                      a brute force with random names: every event (refused logins,
//                                                      DDL) a new user, session, client, source and object
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SeenEvent } from '../src/detect/finding.js';
import { prepareRedaction } from '../src/events/redact.js';
import { ReportBuilder } from '../src/report/report-builder.js';

const file = process.argv[2] ?? '/tmp/lb/detect.ndjson';
const mode = process.argv[3] ?? 'time';
const repeat = Number(process.argv[4] ?? 10);
await prepareRedaction();

const seenOf = (line: string): SeenEvent => {
  const event = JSON.parse(line) as Record<string, unknown>;
  const { clusterId, instanceId, eventId, ...rest } = event;
  return {
    event: rest as SeenEvent['event'],
    eventId: String(eventId),
    clusterId: typeof clusterId === 'string' ? clusterId : null,
    instanceId: typeof instanceId === 'string' ? instanceId : null,
  };
};
const context = {
  generator: 'bench',
  generatedAt: Date.now(),
  redacted: false,
  source: { kind: 'saved' as const, names: [file] },
  window: { from: null, until: null },
  streamEvents: null,
  streamEventsNote: null,
  retentionGaps: [],
};
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

if (mode === 'flood') {
  const events = Number(process.argv[4] ?? 1_000_000);
  const builder = new ReportBuilder();
  let peakRss = 0;
  // The CPU of making each event is counted too: an upper bound on the builder's.
  const started = process.cpuUsage();
  for (let n = 0; n < events; n++) {
    const time = new Date(Date.UTC(2026, 0, 1) + n * 50).toISOString().replace('T', ' ').replace('Z', '000+00');
    const event = {
      type: 'record',
      class: n % 5 ? 'MISC' : 'DDL',
      command: n % 5 ? 'AUTH FAILURE' : 'CREATE TABLE',
      commandText: n % 5 ? null : `CREATE TABLE t (a int) -- ${n}`,
      dbUserName: `guess${n}`,
      remoteHost: `10.${n % 250}.${(n >> 8) % 250}.${n % 7}`,
      clientApplication: `app${n}`,
      sessionId: `s${n}`,
      logTime: time,
      serverType: 'PostgreSQL',
      objectName: `o${n}`,
      errorMessage: `password authentication failed for user "guess${n}"`,
      exitCode: '28P01',
    };
    builder.add({ event, eventId: `e${n}`, clusterId: 'cluster-A', instanceId: 'db-A' });
    if (n % 100_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const used = process.cpuUsage(started);
  const spent = used.user + used.system;
  const data = builder.build(context);
  globalThis.gc?.();
  const after = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({ events, cpuMicrosPerEvent: Number((spent / events).toFixed(2)), users: data.overview.users, logonsMore: data.logons.more, peakRssMB: mb(Math.max(peakRss, after.rss)), heapUsedMB: mb(after.heapUsed), stateMB: Number((JSON.stringify(builder.toState()).length / 2 ** 20).toFixed(1)), reportJsonKB: Math.round(JSON.stringify(data).length / 1024) }, null, 2)}\n`,
  );
} else if (mode === 'memory') {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const builder = new ReportBuilder();
  let events = 0;
  let peakRss = 0;
  for (let round = 0; round < repeat; round++) {
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (line === '') continue;
      const seen = seenOf(line);
      seen.event.sessionId = `${round}.${events}`;
      builder.add(seen);
      if (++events % 100_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  }
  const data = builder.build(context);
  globalThis.gc?.();
  const after = process.memoryUsage();
  const state = JSON.stringify(builder.toState());
  process.stdout.write(
    `${JSON.stringify({ events, sessions: data.overview.sessions, rssBeforeMB: mb(before.rss), peakRssMB: mb(Math.max(peakRss, after.rss)), heapUsedMB: mb(after.heapUsed), builderHeapMB: mb(after.heapUsed - before.heapUsed), stateMB: Number((state.length / 2 ** 20).toFixed(1)), reportJsonKB: Math.round(JSON.stringify(data).length / 1024) }, null, 2)}\n`,
  );
} else {
  const seen = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map(seenOf);
  /** µs of CPU (user + system) per event: on a shared machine wall time measures the neighbours too. */
  const once = (): number => {
    const builder = new ReportBuilder();
    const started = process.cpuUsage();
    for (const event of seen) builder.add(event);
    const used = process.cpuUsage(started);
    builder.build(context);
    return (used.user + used.system) / seen.length;
  };
  // The first runs warm the JIT and the folding caches.
  const runs = Array.from({ length: 10 }, once);
  const sorted = [...runs].sort((a, b) => a - b);
  const round = (n: number | undefined) => Number((n ?? 0).toFixed(3));
  process.stdout.write(
    `${JSON.stringify({ events: seen.length, cpuMicrosPerEvent: { best: round(sorted[0]), median: round(sorted[5]), runs: runs.map(round) } }, null, 2)}\n`,
  );
}
