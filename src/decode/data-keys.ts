import { DecryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { Lru } from './lru.js';
import { describeContext, type EncryptionContext } from './encryption-context.js';
import { awsErrorName } from '../aws/error-names.js';
import { withRetry } from '../aws/retry.js';
import { UserError } from '../errors.js';
import { explainAwsError } from '../aws/aws-errors.js';

export interface DataKeyStats {
  kmsDecryptCalls: number;
  /** Distinct data keys the records named, when counted (--summary): with the cache, one KMS call each. */
  dataKeys?: number;
}

/** KMS refused this one key; other records (other keys) may still be readable. */
export class DataKeyError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'DataKeyError';
  }
}

/** A plaintext data key, named by its wrapped form. Held in memory only; never printed or stored. */
export interface DataKey {
  id: string;
  bytes: Uint8Array;
}

/**
 * Decrypts a record's KMS-wrapped data key, calling KMS once per distinct key: RDS
 * reuses a data key across many records. Concurrent records with the same new key
 * share one call.
 */
export class DataKeyCache {
  readonly stats: DataKeyStats = { kmsDecryptCalls: 0 };
  /** Every key's name, kept only when distinct keys are counted: a long follow need not hold them. */
  readonly #seen: Set<string> | undefined;
  readonly #keys: Lru<string, Promise<DataKey>>;

  constructor(
    private readonly kms: KMSClient,
    private readonly context: EncryptionContext,
    capacity = 1024,
    countKeys = false,
  ) {
    this.#keys = new Lru(capacity);
    if (countKeys) {
      this.#seen = new Set();
      this.stats.dataKeys = 0;
    }
  }

  /** `id` is the wrapped key as the record carries it (base64): a name, not a secret. */
  keyFor(id: string, wrappedKey: Uint8Array, signal?: AbortSignal): Promise<DataKey> {
    if (this.#seen && !this.#seen.has(id)) {
      this.#seen.add(id);
      this.stats.dataKeys = this.#seen.size;
    }
    const cached = this.#keys.get(id);
    if (cached) return cached;
    const pending = this.#unwrap(wrappedKey, signal).then((bytes) => ({ id, bytes }));
    this.#keys.set(id, pending);
    // A failed unwrap must not poison the cache: a throttled call is worth retrying later.
    pending.catch(() => this.#keys.delete(id));
    return pending;
  }

  async #unwrap(wrappedKey: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
    this.stats.kmsDecryptCalls++;
    let plaintext: Uint8Array | undefined;
    try {
      const answer = await withRetry(
        () => this.kms.send(new DecryptCommand({ CiphertextBlob: wrappedKey, EncryptionContext: this.context }), { abortSignal: signal }),
        signal,
        undefined,
        'kms:Decrypt of a data key',
      );
      plaintext = answer.Plaintext;
    } catch (error) {
      throw this.#explain(error);
    }
    if (!plaintext || plaintext.byteLength !== 32) {
      throw new DataKeyError(`KMS returned a ${plaintext?.byteLength ?? 0}-byte data key; DAS data keys are 256-bit`);
    }
    // SDK outputs are views into larger buffers: keep a copy of our own, wipe the original.
    const own = new Uint8Array(plaintext);
    plaintext.fill(0);
    return own;
  }

  #explain(error: unknown): Error {
    const name = awsErrorName(error);
    const context = describeContext(this.context);
    if (name === 'InvalidCiphertextException') {
      return new DataKeyError(
        `KMS cannot decrypt the record's data key under the encryption context ${context}`,
        'The data key was made for another resource: check --resource-id (or the stream name it is derived from).',
      );
    }
    if (name === 'AccessDeniedException') {
      return new UserError(
        `access denied by KMS when decrypting a data key: ${messageOf(error)}`,
        undefined,
        "The reader needs kms:Decrypt on the stream's KMS key, allowed by both its IAM policy and the key policy " +
          `(narrowable with the condition kms:EncryptionContext:${Object.keys(this.context)[0] ?? 'aws:rds:dbc-id'}).`,
      );
    }
    if (name === 'IncorrectKeyException' || name === 'NotFoundException' || name === 'DisabledException' || name === 'KMSInvalidStateException') {
      return new DataKeyError(`KMS refused the record's data key (${name}): ${messageOf(error)}`);
    }
    return explainAwsError(error, 'kms:Decrypt') ?? (error instanceof Error ? error : new Error(String(error)));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
