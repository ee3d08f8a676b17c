import type { DasEvent, DecodedRecord } from '../decode/types.js';

/**
 * One event as one JSON line: every field as decrypted, in its order, plus the record's
 * clusterId and instanceId, which the events themselves do not carry.
 */
export function formatNdjson(event: DasEvent, record: DecodedRecord): string {
  return JSON.stringify({ ...event, clusterId: record.clusterId, instanceId: record.instanceId }) + '\n';
}
