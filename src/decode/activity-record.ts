import type { DasActivityRecord } from './types.js';
import { parseJsonObject } from './json-object.js';

export const ACTIVITY_RECORD_TYPE = 'DatabaseActivityMonitoringRecord';

/** Parses the decrypted, decompressed JSON; throws an Error whose message is the reason. */
export function parseActivityRecord(text: string): DasActivityRecord {
  const record = parseJsonObject(text, 'the decrypted payload');
  if (record.type !== ACTIVITY_RECORD_TYPE) {
    throw new Error(`the decrypted payload has type ${JSON.stringify(record.type)}, not ${ACTIVITY_RECORD_TYPE}`);
  }
  const list = record.databaseActivityEventList;
  if (!Array.isArray(list)) throw new Error('the decrypted payload has no databaseActivityEventList');
  if (!list.every((event) => typeof event === 'object' && event !== null && !Array.isArray(event))) {
    throw new Error('the decrypted payload has an event that is not a JSON object');
  }
  return record as DasActivityRecord;
}
