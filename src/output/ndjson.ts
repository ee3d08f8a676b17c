import type { DasEvent, DecodedRecord } from '../decode/types.js';

/**
 * One event as one JSON line: every field as decrypted, in its order, plus the record's
 * clusterId and instanceId, which the events themselves do not carry, and a stable
 * eventId (shard, sequence number, place in the record) for dropping the rare duplicate.
 */
export function formatNdjson(record: DecodedRecord, index: number): string {
  const own = record.eventJson(index);
  // Appending to the event's own JSON costs a fraction of building a new object per event;
  // an event that already has one of these fields would then carry it twice.
  if (record.carriesIdField(index)) return ndjsonOf(record.events[index] as DasEvent, record, index);
  const extra = `,"clusterId":${JSON.stringify(record.clusterId)},"instanceId":${JSON.stringify(record.instanceId)},"eventId":${JSON.stringify(eventId(record, index))}}\n`;
  return own === '{}' ? `{${extra.slice(1)}` : own.slice(0, -1) + extra;
}

/** An event given as an object (one changed on the way, such as redacted), with the same fields added. */
export function ndjsonOf(event: DasEvent, record: DecodedRecord, index: number): string {
  return JSON.stringify({ ...event, clusterId: record.clusterId, instanceId: record.instanceId, eventId: eventId(record, index) }) + '\n';
}

export function eventId(record: DecodedRecord, index: number): string {
  return `${record.shardId}:${record.sequenceNumber}:${index}`;
}
