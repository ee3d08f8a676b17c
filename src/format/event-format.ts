import type { ChalkInstance } from 'chalk';
import type { DasEvent, DecodedRecord } from '../decode/types.js';
import { eventId, ndjsonFormatter, ndjsonOf, withIds } from './ndjson.js';
import { formatPretty, type PrettyLayout } from './pretty.js';
import { redactEvent } from '../events/redact.js';
import { colourless } from '../terminal/color.js';
import { toOcsf, type OcsfContext } from '../events/ocsf.js';
import { eachEvent, type EventFormatter } from './event-formatter.js';

/** What `-o` names. */
export type OutputFormat = 'pretty' | 'ndjson' | 'json' | 'ocsf';

/** --fields: those fields, in the order asked for; a field the event does not have is left out. */
export function pick(event: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((field) => Object.hasOwn(event, field)).map((field) => [field, event[field]]));
}

/** For -o ocsf: what the record does not say, where the reader knows it. */
export type OcsfPlace = Pick<OcsfContext, 'region' | 'accountId' | 'readerVersion'>;

/** The formatter `-o` names; only pretty, json, ocsf, --fields and --redact parse the events back into objects. Without a chalk, pretty is colourless. */
export function eventFormatter(
  output: OutputFormat,
  chalk: ChalkInstance = colourless(),
  options: { redact?: boolean; ocsf?: OcsfPlace } & PrettyLayout = {},
): EventFormatter {
  const eventOf = (record: DecodedRecord, index: number) => record.events[index] as DasEvent;
  const shown = options.redact ? (record: DecodedRecord, index: number) => redactEvent(eventOf(record, index)) : eventOf;
  const { fields } = options;
  if (output === 'json') {
    const event = (record: DecodedRecord, index: number) => (fields ? pick(shown(record, index) as Record<string, unknown>, fields) : shown(record, index));
    // The record as it was decrypted, as the original workshop printed it: its events, indented.
    return {
      write(out, record, kept) {
        if (kept.length === 0) return;
        const whole = {
          type: 'DatabaseActivityMonitoringRecord',
          clusterId: record.clusterId,
          instanceId: record.instanceId,
          databaseActivityEventList: kept.map((index) => event(record, index)),
        };
        out.append(`${JSON.stringify(whole, null, 2)}\n`);
      },
    };
  }
  if (output === 'ocsf') {
    const place = options.ocsf ?? {};
    return eachEvent(
      (record, index) =>
        `${JSON.stringify(toOcsf(shown(record, index), { clusterId: record.clusterId, instanceId: record.instanceId, eventId: eventId(record, index), ...place }))}\n`,
    );
  }
  if (output === 'ndjson') {
    // The fields picked from the line's object as it would be written whole: the same text, never made and parsed again.
    if (fields) return eachEvent((record, index) => `${JSON.stringify(pick(withIds(shown(record, index), record, index), fields))}\n`);
    return options.redact ? eachEvent((record, index) => ndjsonOf(shown(record, index), record, index)) : ndjsonFormatter;
  }
  const layout: PrettyLayout = { ...(options.utc ? { utc: true } : {}), ...(options.width ? { width: options.width } : {}), ...(fields ? { fields } : {}) };
  return eachEvent((record, index) => formatPretty(shown(record, index), record, chalk, layout));
}
