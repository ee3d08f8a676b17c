import type { ChalkInstance } from 'chalk';
import type { DasEvent, DecodedRecord } from '../decode/types.js';
import { formatNdjson } from './ndjson.js';
import { formatPretty } from './pretty.js';

/** `index` is the event's place in its record: with the shard and sequence number, a stable id. */
export type EventFormatter = (record: DecodedRecord, index: number) => string;

/** The formatter `-o` names; only pretty parses the events back into objects. */
export function eventFormatter(output: 'ndjson' | 'pretty', chalk: ChalkInstance): EventFormatter {
  if (output === 'ndjson') return formatNdjson;
  return (record, index) => formatPretty(record.events[index] as DasEvent, record, chalk);
}
