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
 * A field's value in a message: whoever writes the stream or the archive chose it, and a message
 * never quotes content (under --redact neither). A version that looks like one is shown, as it
 * says what das-read would need; anything else only by its kind (quoting a value nested thousands
 * deep would end the stack, not the record).
 */
function described(value: unknown): string {
  if (typeof value === 'string') return /^\d{1,4}(\.\d{1,4}){0,3}$/.test(value) ? JSON.stringify(value) : `a string of ${value.length} characters`;
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
