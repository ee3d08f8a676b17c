import type { DasEvent, DecodedRecord } from '../decode/types.js';

/**
 * One event as one JSON line: every field as decrypted, in its order, plus the record's
 * clusterId and instanceId, which the events themselves do not carry, and a stable
 * eventId (shard, sequence number, place in the record) for dropping the rare duplicate.
 */
export function formatNdjson(event: DasEvent, record: DecodedRecord, index: number): string {
  const extra = `,"clusterId":${JSON.stringify(record.clusterId)},"instanceId":${JSON.stringify(record.instanceId)},"eventId":${JSON.stringify(eventId(record, index))}}\n`;
  // Appending to the event's own JSON costs a fraction of building a new object per event;
  // an event that already had one of these fields would then carry it twice.
  if ('clusterId' in event || 'instanceId' in event || 'eventId' in event) {
    return JSON.stringify({ ...event, clusterId: record.clusterId, instanceId: record.instanceId, eventId: eventId(record, index) }) + '\n';
  }
  const own = JSON.stringify(event);
  return own === '{}' ? `{${extra.slice(1)}` : own.slice(0, -1) + extra;
}

export function eventId(record: DecodedRecord, index: number): string {
  return `${record.shardId}:${record.sequenceNumber}:${index}`;
}
