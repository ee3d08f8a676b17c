import type { KMSClient } from '@aws-sdk/client-kms';
import type { RawAesKeyringNode } from '@aws-crypto/client-node';
import { DataKeyCache, DataKeyError, type DataKeyStats } from './data-keys.js';
import { parseWrapper } from './wrapper.js';
import { decryptPayload } from './payload.js';
import { gunzipPayload } from './gunzip.js';
import { parseActivityRecord } from './activity-record.js';
import type { EncryptionContext } from './encryption-context.js';
import type { DecodedRecord, RawRecord } from './types.js';
import { RecordError, type RecordPosition } from '../errors.js';

export interface Decoder {
  /**
   * Resolves to the record's events. Rejects with a RecordError when the record itself
   * is unreadable; with any other error when KMS or the network failed (the record may be fine).
   */
  decode(record: RawRecord, signal?: AbortSignal): Promise<DecodedRecord>;
  readonly stats: DataKeyStats;
}

export interface DecoderOptions {
  kms: KMSClient;
  encryptionContext: EncryptionContext;
  dataKeyCacheSize?: number;
}

/** wrapper JSON → KMS data key → Encryption SDK → gunzip → activity record. */
export function createDecoder(options: DecoderOptions): Decoder {
  const keys = new DataKeyCache(options.kms, options.encryptionContext, options.dataKeyCacheSize);

  async function keyringFor(position: RecordPosition, wrappedKey: Uint8Array, signal?: AbortSignal): Promise<RawAesKeyringNode> {
    try {
      return await keys.keyringFor(wrappedKey, signal);
    } catch (error) {
      if (error instanceof DataKeyError) throw new RecordError(position, error.message, error.hint, { cause: error });
      throw error;
    }
  }

  return {
    stats: keys.stats,
    async decode(record, signal) {
      const position = { shardId: record.shardId, sequenceNumber: record.sequenceNumber };
      const wrapper = refuseAs(position, () => parseWrapper(record.data));
      const keyring = await keyringFor(position, wrapper.key, signal);
      const compressed = await decryptPayload(keyring, wrapper.databaseActivityEvents).catch((error: unknown) => {
        throw asRecordError(position, error);
      });
      const activity = refuseAs(position, () => parseActivityRecord(gunzipPayload(compressed).toString('utf8')));
      return {
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        version: wrapper.version,
        clusterId: activity.clusterId ?? null,
        instanceId: activity.instanceId ?? null,
        events: activity.databaseActivityEventList,
      };
    },
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
