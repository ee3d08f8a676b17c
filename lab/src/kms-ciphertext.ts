import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The lab KMS's ciphertext blob. Like a real symmetric KMS blob it starts with
 * 01 02 03 00, names its key, and binds the encryption context as authenticated data:
 * decrypting under another context fails, as KMS's InvalidCiphertextException does.
 */
const MAGIC = Buffer.from([0x01, 0x02, 0x03, 0x00]);
const KEY_ID_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER = MAGIC.length + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;

export type Context = Record<string, string>;

export function canonicalContext(context: Context | undefined): Buffer {
  const entries = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries), 'utf8');
}

export function sealBlob(keyId: string, material: Buffer, plaintext: Uint8Array, context: Context | undefined): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', material, iv);
  cipher.setAAD(canonicalContext(context));
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([MAGIC, uuidToBytes(keyId), iv, cipher.getAuthTag(), sealed]);
}

/** The key a blob names, or undefined if it is not one of ours. */
export function blobKeyId(blob: Uint8Array): string | undefined {
  const bytes = Buffer.from(blob);
  if (bytes.length <= HEADER || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  return bytesToUuid(bytes.subarray(MAGIC.length, MAGIC.length + KEY_ID_BYTES));
}

/** Throws when the blob was altered or the context differs. */
export function openBlob(material: Buffer, blob: Uint8Array, context: Context | undefined): Buffer {
  const bytes = Buffer.from(blob);
  let offset = MAGIC.length + KEY_ID_BYTES;
  const iv = bytes.subarray(offset, (offset += IV_BYTES));
  const tag = bytes.subarray(offset, (offset += TAG_BYTES));
  const decipher = createDecipheriv('aes-256-gcm', material, iv);
  decipher.setAAD(canonicalContext(context));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(bytes.subarray(offset)), decipher.final()]);
}

function uuidToBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
