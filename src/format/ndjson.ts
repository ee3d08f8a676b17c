import type { DasEvent, DecodedRecord } from '../decode/types.js';
import type { EventFormatter } from './event-formatter.js';
import type { Utf8Builder } from './utf8-builder.js';

/**
 * One event as one JSON line: every field as decrypted, in its order, plus the record's
 * clusterId and instanceId, which the events themselves do not carry, and a stable
 * eventId (shard, sequence number, place in the record) for dropping the rare duplicate.
 *
 * The event's UTF-8 is copied as it came from the decryption thread, and no string of it is
 * made; appending to the event's own JSON costs a fraction of building a new object per event.
 */
export const ndjsonFormatter: EventFormatter = {
  write(out: Utf8Builder, record: DecodedRecord, kept: readonly number[]): void {
    // The ids' JSON up to the event's place, made once a record: made again for each event,
    // these three JSON strings were a tenth of the main thread's work decoding a backlog.
    let ids: string | undefined;
    for (const index of kept) {
      // An event that already has one of these fields would carry it twice.
      if (record.carriesIdField(index)) {
        out.append(ndjsonOf(record.events[index] as DasEvent, record, index));
        continue;
      }
      ids ??= idsPrefix(record);
      const own = record.eventBytes(index);
      // Two bytes are `{}`, which has no field for the ids' comma to follow.
      if (own.length === 2) {
        out.append(`{${ids.slice(1)}${index}"}\n`);
        continue;
      }
      out.appendBytes(own.subarray(0, -1));
      out.append(`${ids}${index}"}\n`);
    }
  },
};

/** One event's ndjson line as a string: for a program that writes events one at a time (docs/library.md). */
export function formatNdjson(record: DecodedRecord, index: number): string {
  if (record.carriesIdField(index)) return ndjsonOf(record.events[index] as DasEvent, record, index);
  const own = record.eventJson(index);
  const ids = `${idsPrefix(record)}${index}"}\n`;
  return own === '{}' ? `{${ids.slice(1)}` : own.slice(0, -1) + ids;
}

/** What ndjson puts after an event's own fields, up to the event's place; the eventId's JSON string is left open for it, digits that need no escaping. */
function idsPrefix(record: DecodedRecord): string {
  const stem = JSON.stringify(eventIdStem(record)).slice(0, -1);
  return `,"clusterId":${JSON.stringify(record.clusterId)},"instanceId":${JSON.stringify(record.instanceId)},"eventId":${stem}`;
}

/** An event given as an object (one changed on the way, such as redacted), with the same fields added. */
export function ndjsonOf(event: DasEvent, record: DecodedRecord, index: number): string {
  return JSON.stringify(withIds(event, record, index)) + '\n';
}

/** The object ndjson writes for an event: its fields, then the record's ids and the event's. */
export function withIds(event: DasEvent, record: DecodedRecord, index: number): Record<string, unknown> {
  return { ...event, clusterId: record.clusterId, instanceId: record.instanceId, eventId: eventId(record, index) };
}

export function eventId(record: DecodedRecord, index: number): string {
  return `${eventIdStem(record)}${index}`;
}

/** A record's eventIds all begin so: its shard and sequence number. */
function eventIdStem(record: DecodedRecord): string {
  return `${record.shardId}:${record.sequenceNumber}:`;
}
