import type { DecodedRecord } from '../decode/types.js';

/**
 * One event as one JSON line: every field as decrypted, in its order, plus the record's
 * clusterId and instanceId, which the events themselves do not carry, and a stable
 * eventId (shard, sequence number, place in the record) for dropping the rare duplicate.
 */
export function formatNdjson(record: DecodedRecord, index: number): string {
  const own = record.eventJson(index);
  // Appending to the event's own JSON costs a fraction of building a new object per event;
  // an event that already has one of these fields would then carry it twice.
  if (record.carriesIdField(index)) {
    return JSON.stringify({ ...record.events[index], clusterId: record.clusterId, instanceId: record.instanceId, eventId: eventId(record, index) }) + '\n';
  }
  const extra = `,"clusterId":${JSON.stringify(record.clusterId)},"instanceId":${JSON.stringify(record.instanceId)},"eventId":${JSON.stringify(eventId(record, index))}}\n`;
  return own === '{}' ? `{${extra.slice(1)}` : own.slice(0, -1) + extra;
}

export function eventId(record: DecodedRecord, index: number): string {
  return `${record.shardId}:${record.sequenceNumber}:${index}`;
}
