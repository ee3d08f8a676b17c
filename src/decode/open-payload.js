// @ts-check
// The costly part of a record, the same on the main thread and on a decryption thread.
// Plain JavaScript, as every module a decryption thread loads: it runs as it is from src/ and dist/.
import { isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
// The SDK's decrypting and raw-AES parts alone: the whole client also loads the KMS and
// DynamoDB clients its other keyrings use, some 130 ms and 18 MB in every thread.
import { CommitmentPolicy } from '@aws-crypto/material-management-node';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';
import { decryptWholeMessage } from './whole-message.js';
import { OpenSslVerificationMaterials } from './openssl-verification.js';
import { openActivityRecord } from './activity-record.js';
import { DEFAULT_MAX_RECORD_BYTES } from './record-limits.js';

/** What DAS names the wrapping key inside every Encryption SDK message. */
const DAS_KEY_NAMESPACE = 'BC';
const DAS_KEY_NAME = 'DataKey';

const CLIENT_OPTIONS = {
  // Every DAS message is non-committing (suite 0x0178, or the signed 0x0378): the SDK's
  // default policy would reject them all.
  commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT,
  // A DAS message carries exactly one wrapped key; refusing more bounds the work a forged record can cause.
  maxEncryptedDataKeys: 1,
};
/**
 * decrypt-node, for the messages the whole-message path does not take, with the same options:
 * loaded by the first such message. DAS writes none, and its stream pipeline costs every
 * thread 60–90 ms of CPU and a few MB to load.
 * @type {Promise<ReturnType<typeof import('@aws-crypto/decrypt-node').buildDecrypt>['decrypt']> | undefined}
 */
let sdkDecrypt;

/**
 * Each keyring's materials manager, made once: the keyring lives as long as its data key is cached.
 * @type {WeakMap<RawAesKeyringNode, OpenSslVerificationMaterials>}
 */
const materialsOf = new WeakMap();

/**
 * A raw AES keyring as DAS writes with: namespace BC, name DataKey, AES-256-GCM.
 * @param {Uint8Array} key
 */
export function dasKeyring(key) {
  // The keyring zeroes the buffer it is given and refuses views into larger ones: a copy of its own.
  return new RawAesKeyringNode({
    keyNamespace: DAS_KEY_NAMESPACE,
    keyName: DAS_KEY_NAME,
    unencryptedMasterKey: new Uint8Array(key),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
}

/**
 * Encryption SDK message → gunzip → the record's events; throws an Error whose message is the reason.
 * @param {RawAesKeyringNode} keyring
 * @param {Uint8Array} message
 * @param {number} [maxRecordBytes]
 * @returns {Promise<import('./activity-record.js').OpenedRecord>}
 */
export async function openPayload(keyring, message, maxRecordBytes = DEFAULT_MAX_RECORD_BYTES) {
  let plaintext;
  try {
    plaintext = await decryptMessage(keyring, message);
  } catch (error) {
    throw new Error(`the payload cannot be decrypted with the record's data key (${messageOf(error)})`, { cause: error });
  }
  return openPlaintext(plaintext, maxRecordBytes);
}

/**
 * A decrypted payload → gunzip → the record's events; throws an Error whose message is the reason.
 * @param {Uint8Array} plaintext
 * @param {number} [maxRecordBytes]
 * @returns {import('./activity-record.js').OpenedRecord}
 */
export function openPlaintext(plaintext, maxRecordBytes = DEFAULT_MAX_RECORD_BYTES) {
  let inflated;
  try {
    inflated = gunzipSync(plaintext, { maxOutputLength: maxRecordBytes });
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`the decrypted payload inflates past ${maxRecordBytes} bytes (--max-record-bytes): refused without inflating the rest`, { cause: error });
    }
    // DAS payloads are gzip (RFC 1952): a bare zlib stream or a cut one is refused.
    throw new Error(`the decrypted payload is not valid gzip (${messageOf(error)})`, { cause: error });
  }
  // Decoding would replace bad bytes with U+FFFD and alter the audit text unseen.
  if (!isUtf8(inflated)) throw new Error('the decrypted payload is not valid UTF-8: das-read does not alter audit text, so the record is refused whole');
  return openActivityRecord(inflated.toString('utf8'));
}

/**
 * The whole-message path, or decrypt-node for a message it does not take.
 * @param {RawAesKeyringNode} keyring
 * @param {Uint8Array} message
 */
export async function decryptMessage(keyring, message) {
  let materials = materialsOf.get(keyring);
  if (!materials) {
    materials = new OpenSslVerificationMaterials(keyring);
    materialsOf.set(keyring, materials);
  }
  return (await decryptWholeMessage(CLIENT_OPTIONS, materials, message)) ?? (await decryptWithSdk(keyring, message));
}

/**
 * decrypt-node alone, with das-read's options: what reads every message the whole-message
 * path does not take, and the bench's baseline for those it does.
 * @param {RawAesKeyringNode} keyring
 * @param {Uint8Array} message
 */
export async function decryptWithSdk(keyring, message) {
  sdkDecrypt ??= import('@aws-crypto/decrypt-node').then(({ buildDecrypt }) => buildDecrypt(CLIENT_OPTIONS).decrypt);
  const decrypt = await sdkDecrypt;
  return (await decrypt(keyring, message)).plaintext;
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}
