import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import { DEFAULT_MAX_RECORD_BYTES } from '../decode/record-limits.js';
import type { OnError } from '../write/batch-render.js';
import { parseByteSize } from './byte-size.js';
import { FLAGS, type FlagValues } from './flags.js';
import { oneOf } from './one-of.js';
import { parsePositiveInteger } from './time-spec.js';

const ON_ERROR: readonly OnError[] = FLAGS.onError.values;

/**
 * A decryption thread per core, up to 8: the Encryption SDK is most of a record's cost,
 * and a thread is started only when the load needs it (docs/performance.md).
 */
export function defaultThreads(cores = availableParallelism()): number {
  return Math.min(cores, 8);
}

/** How records are decoded and what becomes of one that cannot be: a read's and `decode`'s alike. */
export function recordHandlingOf(flags: FlagValues<'maxEvents' | 'onError' | 'deadLetter' | 'threads' | 'maxRecordBytes'>) {
  const onError = oneOf('--on-error', flags.onError ?? 'fail', ON_ERROR);
  if (flags.deadLetter && onError !== 'skip') {
    throw new UsageError('--dead-letter goes with --on-error skip', 'With --on-error fail (the default) das-read stops at the first unreadable record.');
  }
  return {
    ...(flags.maxEvents === undefined ? {} : { maxEvents: parsePositiveInteger('--max-events', flags.maxEvents) }),
    threads: flags.threads === undefined ? defaultThreads() : flags.threads === '0' ? 0 : parsePositiveInteger('--threads', flags.threads, 64),
    maxRecordBytes: flags.maxRecordBytes === undefined ? DEFAULT_MAX_RECORD_BYTES : parseByteSize('--max-record-bytes', flags.maxRecordBytes),
    onError,
    ...(flags.deadLetter ? { deadLetter: flags.deadLetter } : {}),
  };
}
