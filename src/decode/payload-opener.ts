import type { RawAesKeyringNode } from '@aws-crypto/raw-aes-keyring-node';
import type { DataKey } from './data-keys.js';
import type { OpenedRecord } from './activity-record.js';
import { Lru } from './lru.js';

/** Encryption SDK message + data key → the record's events; rejects with the reason. */
export interface PayloadOpener {
  open(key: DataKey, message: Uint8Array): Promise<OpenedRecord>;
  close(): Promise<void>;
}

/** The opener itself broke (a decryption thread died): no fault of the record's. */
export class OpenerFailure extends Error {
  override name = 'OpenerFailure';
}

/** Opens payloads on this thread, one keyring per data key. */
export function inThreadOpener(capacity = 1024, maxRecordBytes?: number): PayloadOpener {
  const keyrings = new Lru<string, RawAesKeyringNode>(capacity);
  // The Encryption SDK loads on this thread only if it decrypts here: with decryption threads, only they load it.
  let sdk: Promise<typeof import('./open-payload.js')> | undefined;
  return {
    async open(key, message) {
      const { dasKeyring, openPayload } = await (sdk ??= import('./open-payload.js'));
      let keyring = keyrings.get(key.id);
      if (!keyring) {
        keyring = dasKeyring(key.bytes);
        keyrings.set(key.id, keyring);
      }
      return openPayload(keyring, message, maxRecordBytes);
    },
    async close() {},
  };
}
