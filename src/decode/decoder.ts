import type { KMSClient } from '@aws-sdk/client-kms';
import { DataKeyCache, DataKeyError, type DataKey, type DataKeyStats } from './data-keys.js';
import { parseWrapper } from './wrapper.js';
import { DecodedActivityRecord } from './decoded-record.js';
import { inThreadOpener, OpenerFailure, type PayloadOpener } from './payload-opener.js';
import { workerOpener } from './worker-opener.js';
import { encryptionContextFor } from './encryption-context.js';
import type { DasWrapper, DecodedRecord, RawRecord } from './types.js';
import { DataKeyRecordError, RecordError, type RecordPosition } from '../errors.js';

export interface Decoder {
  /**
   * Resolves to the record's events. Rejects with a RecordError when the record itself
   * is unreadable; with any other error when KMS or the network failed (the record may be fine).
   */
  decode(record: RawRecord, signal?: AbortSignal): Promise<DecodedRecord>;
  readonly stats: DataKeyStats;
  /** Ends the decryption threads. */
  close(): Promise<void>;
}

export interface DecoderOptions {
  kms: KMSClient;
  /** `cluster-…` or `db-…`: the resource whose data keys these are, bound to it in KMS's encryption context. */
  resourceId: string;
  dataKeyCacheSize?: number;
  /** Decryption threads; 0 decrypts on this thread. */
  threads?: number;
  /** A record's bound once inflated; past it the record is unreadable. */
  maxRecordBytes?: number;
  /** Count distinct data keys (stats.dataKeys), holding each one's name for the run. */
  countDataKeys?: boolean;
  /** Opens the payloads instead of what `threads` asks for: a test's. */
  opener?: PayloadOpener;
}

/** wrapper JSON → KMS data key → Encryption SDK → gunzip → activity record, the last three on `threads` threads. */
export function createDecoder(options: DecoderOptions): Decoder {
  const keys = new DataKeyCache(options.kms, encryptionContextFor(options.resourceId), options.dataKeyCacheSize, options.countDataKeys);
  const { maxRecordBytes } = options;
  const opener =
    options.opener ??
    (options.threads
      ? workerOpener(options.threads, maxRecordBytes === undefined ? {} : { maxRecordBytes })
      : inThreadOpener(options.dataKeyCacheSize, maxRecordBytes));

  async function keyFor(position: RecordPosition, wrapper: DasWrapper, signal?: AbortSignal): Promise<DataKey> {
    try {
      return await keys.keyFor(wrapper.keyText, wrapper.key, signal);
    } catch (error) {
      if (error instanceof DataKeyError) throw new DataKeyRecordError(position, error.message, error.hint, { cause: error });
      throw error;
    }
  }

  return {
    stats: keys.stats,
    async decode(record, signal) {
      // The raw record is its own position: named once, from the read to the checkpoint.
      const position: RecordPosition = record;
      const wrapper = refuseAs(position, () => parseWrapper(record.data));
      const key = await keyFor(position, wrapper, signal);
      const opened = await opener.open(key, wrapper.databaseActivityEvents).catch((error: unknown) => {
        throw error instanceof OpenerFailure ? error : asRecordError(position, error);
      });
      return new DecodedActivityRecord(position, wrapper.version, opened);
    },
    close: () => opener.close(),
  };
}

function refuseAs<T>(position: RecordPosition, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw asRecordError(position, error);
  }
}

function asRecordError(position: RecordPosition, error: unknown): RecordError {
  const reason = error instanceof Error ? error.message : String(error);
  return new RecordError(position, reason, undefined, { cause: error });
}
