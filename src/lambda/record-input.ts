import { RecordError, UserError } from '../index.js';

/**
 * A record's base64 data as bytes. Lambda and Firehose send canonical base64; anything else is
 * handed on empty, for the decoder to refuse as a record with no JSON in it.
 */
export function recordBytes(base64: unknown): Uint8Array {
  if (typeof base64 !== 'string') return new Uint8Array();
  const bytes = Buffer.from(base64, 'base64');
  return bytes.toString('base64') === base64 ? bytes : new Uint8Array();
}

/** What a failed record's log line says about why. */
export function failureFields(error: unknown): Record<string, string> {
  if (error instanceof RecordError) return { reason: error.reason, ...(error.hint ? { hint: error.hint } : {}) };
  if (error instanceof UserError) return { reason: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return { reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

/** A record's bound once inflated, given to the function's decoder: the CLI's --max-record-bytes default. */
export const RECORD_BOUND_BYTES = 64 * 1024 * 1024;

/** Deflate's largest ratio: gzip never inflates a byte to more than this. */
const DEFLATE_RATIO = 1032;

/**
 * The most a record's events can take once inflated, known from its base64 before it is decrypted:
 * what lets the function decode small records side by side and a large one alone.
 */
export function inflatedAtMost(base64: unknown): number {
  const length = typeof base64 === 'string' ? base64.length : 0;
  return Math.min(RECORD_BOUND_BYTES, Math.ceil((length * 3) / 4) * DEFLATE_RATIO);
}
