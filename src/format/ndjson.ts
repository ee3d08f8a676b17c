import type { DasEvent, DecodedRecord } from '../decode/types.js';
import type { Utf8Builder } from './utf8-builder.js';

/**
 * One event as one JSON line: every field as decrypted, in its order, plus the record's
 * clusterId and instanceId, which the events themselves do not carry, and a stable
 * eventId (shard, sequence number, place in the record) for dropping the rare duplicate.
 */
export function formatNdjson(record: DecodedRecord, index: number): string {
  // Appending to the event's own JSON costs a fraction of building a new object per event;
  // an event that already has one of these fields would then carry it twice.
  if (record.carriesIdField(index)) return ndjsonOf(record.events[index] as DasEvent, record, index);
  const own = record.eventJson(index);
  return own === '{}' ? idsAlone(record, index) : own.slice(0, -1) + idFields(record, index);
}

/**
 * The same line, written into a batch's output: the event's UTF-8 is copied as it came from
 * the decryption thread, and no string of it is made.
 */
formatNdjson.into = (out: Utf8Builder, record: DecodedRecord, index: number): void => {
  if (record.carriesIdField(index)) return out.append(ndjsonOf(record.events[index] as DasEvent, record, index));
  const own = record.eventBytes(index);
  // Two bytes are `{}`.
  if (own.length === 2) return out.append(idsAlone(record, index));
  out.appendBytes(own.subarray(0, -1));
  out.append(idFields(record, index));
};

/**
 * The ids' JSON up to the event's place, for the record last written: a record's events are
 * written one after another, and these three JSON strings, made again for each, were a tenth
 * of the main thread's work decoding a backlog.
 */
let lastIds: { record: DecodedRecord; prefix: string } | undefined;

/** What ndjson puts after an event's own fields, closing its line. */
function idFields(record: DecodedRecord, index: number): string {
  if (lastIds?.record !== record) {
    // The eventId's JSON string is left open for the place, digits that need no escaping.
    const stem = JSON.stringify(eventIdStem(record)).slice(0, -1);
    lastIds = { record, prefix: `,"clusterId":${JSON.stringify(record.clusterId)},"instanceId":${JSON.stringify(record.instanceId)},"eventId":${stem}` };
  }
  return `${lastIds.prefix}${index}"}\n`;
}

/** The line of an empty event, `{}`, which has no field for the ids' comma to follow. */
function idsAlone(record: DecodedRecord, index: number): string {
  return `{${idFields(record, index).slice(1)}`;
}

/** An event given as an object (one changed on the way, such as redacted), with the same fields added. */
export function ndjsonOf(event: DasEvent, record: DecodedRecord, index: number): string {
  return JSON.stringify({ ...event, clusterId: record.clusterId, instanceId: record.instanceId, eventId: eventId(record, index) }) + '\n';
}

export function eventId(record: DecodedRecord, index: number): string {
  return `${eventIdStem(record)}${index}`;
}

/** A record's eventIds all begin so: its shard and sequence number. */
function eventIdStem(record: DecodedRecord): string {
  return `${record.shardId}:${record.sequenceNumber}:`;
}
