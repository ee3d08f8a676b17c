// Events for the report's tests: the AWS samples, and events made from them with a few fields changed.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DasEvent } from '../../src/decode/types.js';
import type { SeenEvent } from '../../src/detect/finding.js';
import type { BuildContext } from '../../src/report/report-builder.js';

const SAMPLES = fileURLToPath(new URL('../fixtures/das-samples/', import.meta.url));

/** The sample's event, whichever of the guides' three shapes it is shown in (wrapper, record, bare event). */
export function sample(name: string): DasEvent {
  const json = JSON.parse(readFileSync(`${SAMPLES}${name}.json`, 'utf8')) as Record<string, unknown>;
  const record = (json.databaseActivityEvents ?? json) as Record<string, unknown>;
  const list = record.databaseActivityEventList as DasEvent[] | undefined;
  return structuredClone(list ? (list[0] as DasEvent) : (json as DasEvent));
}

export const sampleNames = () => readdirSync(SAMPLES).map((file) => file.replace(/\.json$/, ''));

/** `2026-01-01 00:MM:SS.000000+00` for a number of seconds into the day. */
export const at = (seconds: number) => {
  const moment = new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();
  return `${moment.slice(0, 10)} ${moment.slice(11, 23)}000+00`;
};
export const ms = (seconds: number) => Date.UTC(2026, 0, 1) + seconds * 1000;

let serial = 0;
export function seen(event: DasEvent, extra: Partial<SeenEvent> = {}): SeenEvent {
  return { event, eventId: `shardId-000000000000:1:${serial++}`, clusterId: 'cluster-A', instanceId: 'db-A', ...extra };
}

export function context(window: { from: number | null; until: number | null } = { from: null, until: null }, more: Partial<BuildContext> = {}): BuildContext {
  return {
    generator: 'das-read test',
    generatedAt: 0,
    redacted: false,
    source: { kind: 'saved', names: ['-'] },
    window,
    streamEvents: null,
    streamEventsNote: null,
    retentionGaps: [],
    ...more,
  };
}
