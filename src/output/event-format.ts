import type { ChalkInstance } from 'chalk';
import type { DasEvent, DecodedRecord } from '../decode/types.js';
import { formatNdjson, ndjsonOf } from './ndjson.js';
import { formatPretty, type PrettyLayout } from './pretty.js';
import { redactEvent } from '../events/redact.js';

/** `index` is the event's place in its record: with the shard and sequence number, a stable id. */
export type EventFormatter = (record: DecodedRecord, index: number) => string;

/** The formatter `-o` names; only pretty, and --redact, parse the events back into objects. */
export function eventFormatter(output: 'ndjson' | 'pretty', chalk: ChalkInstance, options: { redact?: boolean } & PrettyLayout = {}): EventFormatter {
  const eventOf = (record: DecodedRecord, index: number) => record.events[index] as DasEvent;
  const shown = options.redact ? (record: DecodedRecord, index: number) => redactEvent(eventOf(record, index)) : eventOf;
  if (output === 'ndjson') return options.redact ? (record, index) => ndjsonOf(shown(record, index), record, index) : formatNdjson;
  const layout: PrettyLayout = { ...(options.utc ? { utc: true } : {}), ...(options.width ? { width: options.width } : {}) };
  return (record, index) => formatPretty(shown(record, index), record, chalk, layout);
}
