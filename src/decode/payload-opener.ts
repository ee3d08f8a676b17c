import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { DAS_KEY_NAME, DAS_KEY_NAMESPACE, type DataKey } from './data-keys.js';
import { decryptPayload } from './payload.js';
import { gunzipPayload } from './gunzip.js';
import { Lru } from './lru.js';

/** Encryption SDK message + data key → the record's JSON text; rejects with the reason. */
export interface PayloadOpener {
  open(key: DataKey, message: Uint8Array): Promise<string>;
  close(): Promise<void>;
}

/** A raw AES keyring as DAS writes with: namespace BC, name DataKey, AES-256-GCM. */
export function dasKeyring(key: Uint8Array): RawAesKeyringNode {
  // The keyring zeroes the buffer it is given and refuses views into larger ones: a copy of its own.
  return new RawAesKeyringNode({
    keyNamespace: DAS_KEY_NAMESPACE,
    keyName: DAS_KEY_NAME,
    unencryptedMasterKey: new Uint8Array(key),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
}

/** Opens payloads on this thread, one keyring per data key. */
export function inThreadOpener(capacity = 1024): PayloadOpener {
  const keyrings = new Lru<string, RawAesKeyringNode>(capacity);
  return {
    async open(key, message) {
      let keyring = keyrings.get(key.id);
      if (!keyring) {
        keyring = dasKeyring(key.bytes);
        keyrings.set(key.id, keyring);
      }
      return gunzipPayload(await decryptPayload(keyring, message)).toString('utf8');
    },
    async close() {},
  };
}
