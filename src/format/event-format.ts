import type { ChalkInstance } from 'chalk';
import type { DasEvent, DecodedRecord } from '../decode/types.js';
import { formatNdjson, ndjsonOf } from './ndjson.js';
import { formatPretty, type PrettyLayout } from './pretty.js';
import { redactEvent } from '../events/redact.js';
import { colourless } from '../terminal/color.js';
import { toOcsf, type OcsfContext } from '../events/ocsf.js';
import { eventId } from './ndjson.js';
import type { Utf8Builder } from './utf8-builder.js';

/** What `-o` names. */
export type OutputFormat = 'pretty' | 'ndjson' | 'json' | 'ocsf';

/**
 * `index` is the event's place in its record: with the shard and sequence number, a stable id.
 * A formatter with `wholeRecord` writes each record once, with the events that were kept, instead;
 * one with `into` writes the same text as it returns straight into the batch's output.
 */
export type EventFormatter = ((record: DecodedRecord, index: number) => string) & {
  wholeRecord?: (record: DecodedRecord, kept: readonly number[]) => string;
  into?: (out: Utf8Builder, record: DecodedRecord, index: number) => void;
};

/** --fields: those fields, in the order asked for; a field the event does not have is left out. */
export function pick(event: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((field) => Object.hasOwn(event, field)).map((field) => [field, event[field]]));
}

/** The formatter `-o` names; only pretty, and --redact, parse the events back into objects. Without a chalk, pretty is colourless. */
/** For -o ocsf: what the record does not say, where the reader knows it. */
export type OcsfPlace = Pick<OcsfContext, 'region' | 'accountId' | 'readerVersion'>;

export function eventFormatter(output: 'ndjson' | 'pretty' | 'json' | 'ocsf', chalk: ChalkInstance = colourless(), options: { redact?: boolean; ocsf?: OcsfPlace } & PrettyLayout = {}): EventFormatter {
  const eventOf = (record: DecodedRecord, index: number) => record.events[index] as DasEvent;
  const shown = options.redact ? (record: DecodedRecord, index: number) => redactEvent(eventOf(record, index)) : eventOf;
  const { fields } = options;
  if (output === 'json') {
    const event = (record: DecodedRecord, index: number) => (fields ? pick(shown(record, index) as Record<string, unknown>, fields) : shown(record, index));
    // The record as it was decrypted, as the original workshop printed it: its events, indented.
    return Object.assign((record: DecodedRecord, index: number) => `${JSON.stringify(event(record, index), null, 2)}\n`, {
      wholeRecord: (record: DecodedRecord, kept: readonly number[]) =>
        `${JSON.stringify({ type: 'DatabaseActivityMonitoringRecord', clusterId: record.clusterId, instanceId: record.instanceId, databaseActivityEventList: kept.map((index) => event(record, index)) }, null, 2)}\n`,
    });
  }
  if (output === 'ocsf') {
    const place = options.ocsf ?? {};
    return (record, index) => `${JSON.stringify(toOcsf(shown(record, index), { clusterId: record.clusterId, instanceId: record.instanceId, eventId: eventId(record, index), ...place }))}\n`;
  }
  if (output === 'ndjson') {
    if (fields) return (record, index) => `${JSON.stringify(pick(JSON.parse(ndjsonOf(shown(record, index), record, index)) as Record<string, unknown>, fields))}\n`;
    return options.redact ? (record, index) => ndjsonOf(shown(record, index), record, index) : formatNdjson;
  }
  const layout: PrettyLayout = { ...(options.utc ? { utc: true } : {}), ...(options.width ? { width: options.width } : {}), ...(fields ? { fields } : {}) };
  return (record, index) => formatPretty(shown(record, index), record, chalk, layout);
}
