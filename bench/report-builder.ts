// ReportBuilder's cost, measured (issue 37: a report must be built at least twice as fast as jq counts).
//   npx tsx bench/report-builder.ts [FILE]             µs of CPU per event of builder.add over pre-parsed events
//   node --expose-gc --import tsx bench/report-builder.ts [FILE] memory [REPEAT]
//                                                      RSS and heap after REPEAT× the file (default 10), read a line
//                                                      at a time as the command reads, every event a session of its own
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

if (mode === 'memory') {
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
