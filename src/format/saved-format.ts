import type { ChalkInstance } from 'chalk';
import type { DasEvent, DecodedRecord } from '../decode/types.js';
import { redactEvent } from '../events/redact.js';
import { toOcsf } from '../events/ocsf.js';
import { colourless } from '../terminal/color.js';
import { eachEvent, type EventFormatter } from './event-formatter.js';
import { pick, type OutputFormat } from './event-format.js';
import { formatPretty, type PrettyLayout } from './pretty.js';

/**
 * The forms `show` writes a saved line in: the live read's, but for what a line already is. It
 * carries its ids as fields (so OCSF takes them from there), json is the event alone (its record is
 * long gone), and plain ndjson is the line as saved.
 */
export function savedEventFormatter(
  output: OutputFormat,
  chalk: ChalkInstance = colourless(),
  options: { redact?: boolean } & PrettyLayout = {},
): EventFormatter {
  const eventOf = (record: DecodedRecord, index: number) => record.events[index] as DasEvent;
  const shown = options.redact ? (record: DecodedRecord, index: number) => redactEvent(eventOf(record, index)) : eventOf;
  const { fields } = options;
  if (output === 'pretty') return eachEvent((record, index) => formatPretty(shown(record, index), record, chalk, options));
  if (output === 'ocsf') return eachEvent((record, index) => `${JSON.stringify(ocsfOf(shown(record, index)))}\n`);
  if (output === 'json')
    return eachEvent((record, index) => `${JSON.stringify(fields ? pick(shown(record, index), fields) : shown(record, index), null, 2)}\n`);
  if (fields) return eachEvent((record, index) => `${JSON.stringify(pick(shown(record, index), fields))}\n`);
  if (options.redact) return eachEvent((record, index) => `${JSON.stringify(shown(record, index))}\n`);
  return eachEvent((record, index) => `${record.eventJson(index)}\n`);
}

/** A saved line's event in OCSF: the ids das-read added to it are the record's and the event's, not the event's fields. */
function ocsfOf(saved: DasEvent) {
  const { clusterId, instanceId, eventId, ...event } = saved;
  const id = (value: unknown) => (typeof value === 'string' ? value : null);
  return toOcsf(event, { clusterId: id(clusterId), instanceId: id(instanceId), eventId: id(eventId) ?? '' });
}
