import { decodeBase64Strict } from './base64.js';
import { parseJsonObject } from './json-object.js';
import type { DasWrapper } from './types.js';

export const WRAPPER_TYPE = 'DatabaseActivityMonitoringRecords';

/** Parses a Kinesis record's Data; throws an Error whose message is the reason, for the caller to place. */
export function parseWrapper(data: Uint8Array): DasWrapper {
  const fields = parseJsonObject(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'), 'the record data');
  if (fields.type !== WRAPPER_TYPE) {
    throw new Error(`the record is not an activity stream record (type ${described(fields.type)})`);
  }
  const version = fields.version;
  if (typeof version !== 'string' || !/^1\.\d+$/.test(version)) {
    throw new Error(`unsupported record version ${described(version)} (das-read reads 1.x)`);
  }
  return {
    type: WRAPPER_TYPE,
    version,
    key: base64Field(fields, 'key'),
    keyText: fields.key as string,
    databaseActivityEvents: base64Field(fields, 'databaseActivityEvents'),
  };
}

function base64Field(fields: Record<string, unknown>, name: string): Uint8Array {
  const value = fields[name];
  if (value === undefined || value === null) throw new Error(`the record has no "${name}" field`);
  if (typeof value !== 'string') throw new Error(`the record's "${name}" field is not a string`);
  const bytes = decodeBase64Strict(value);
  if (!bytes) throw new Error(`the record's "${name}" field is not valid base64`);
  return bytes;
}

/**
 * A field's value in a message: whoever writes the stream chose it, so a string is quoted short and
 * anything else only named (quoting a value nested thousands deep would end the stack, not the record).
 */
function described(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
