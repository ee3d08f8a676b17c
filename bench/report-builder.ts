// Times ReportBuilder.add over pre-parsed events (µs/event), and the heap after ~1M events (the file repeated with
// distinct sessions). Run: npx tsx bench/report-builder.ts [FILE] [REPEAT]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { SeenEvent } from '../src/detect/finding.js';
import { prepareRedaction } from '../src/events/redact.js';
import { ReportBuilder } from '../src/report/report-builder.js';

const file = process.argv[2] ?? '/tmp/lb/detect.ndjson';
const repeat = Number(process.argv[3] ?? 10);
await prepareRedaction();
const seen: SeenEvent[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => {
    const event = JSON.parse(line) as Record<string, unknown>;
    const { clusterId, instanceId, eventId, ...rest } = event;
    return {
      event: rest as SeenEvent['event'],
      eventId: String(eventId),
      clusterId: (clusterId as string) ?? null,
      instanceId: (instanceId as string) ?? null,
    };
  });

function once(): number {
  const builder = new ReportBuilder();
  const started = performance.now();
  for (const event of seen) builder.add(event);
  return ((performance.now() - started) * 1000) / seen.length;
}
// The first pass warms the JIT and the folding caches.
const runs = Array.from({ length: 8 }, once);
const sorted = [...runs].sort((a, b) => a - b);
globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const rssBefore = process.memoryUsage().rss;
const builder = new ReportBuilder();
const started = performance.now();
const sessions = seen.map((item) => String(item.event.sessionId));
for (let round = 0; round < repeat; round++) {
  // Each round's sessions are new ones: a million events of a busy day, not the same few sessions again.
  for (const [index, item] of seen.entries()) item.event.sessionId = `${sessions[index]}.${round}`;
  for (const item of seen) builder.add(item);
}
const elapsed = performance.now() - started;
const data = builder.build({
  generator: 'bench',
  generatedAt: Date.now(),
  redacted: false,
  source: { kind: 'saved', names: [file] },
  window: { from: null, until: null },
  streamEvents: null,
  streamEventsNote: null,
  retentionGaps: [],
});
globalThis.gc?.();
const memory = process.memoryUsage();
const state = JSON.stringify(builder.toState());
const result = {
  events: seen.length,
  microsPerEvent: { best: Number(sorted[0]?.toFixed(3)), median: Number(sorted[4]?.toFixed(3)), runs: runs.map((run) => Number(run.toFixed(2))) },
  repeated: { events: seen.length * repeat, microsPerEvent: Number(((elapsed * 1000) / (seen.length * repeat)).toFixed(3)), sessions: data.overview.sessions },
  heapUsedMB: Math.round(memory.heapUsed / 2 ** 20),
  builderHeapMB: Math.round((memory.heapUsed - heapBefore) / 2 ** 20),
  rssMB: Math.round(memory.rss / 2 ** 20),
  rssBeforeMB: Math.round(rssBefore / 2 ** 20),
  stateMB: Number((state.length / 2 ** 20).toFixed(1)),
  reportJsonKB: Math.round(JSON.stringify(data).length / 1024),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
