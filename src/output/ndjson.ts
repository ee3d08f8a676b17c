import type { DasEvent, DecodedRecord } from '../decode/types.js';

/**
 * One event as one JSON line: every field as decrypted, in its order, plus the record's
 * clusterId and instanceId, which the events themselves do not carry, and a stable
 * eventId (shard, sequence number, place in the record) for dropping the rare duplicate.
 */
export function formatNdjson(event: DasEvent, record: DecodedRecord, index: number): string {
  return JSON.stringify({ ...event, clusterId: record.clusterId, instanceId: record.instanceId, eventId: eventId(record, index) }) + '\n';
}

export function eventId(record: DecodedRecord, index: number): string {
  return `${record.shardId}:${record.sequenceNumber}:${index}`;
}
