import { gzipSync } from 'node:zlib';
import { GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { AlgorithmSuiteIdentifier, CommitmentPolicy } from '@aws-crypto/material-management-node';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';
import type { DasActivityRecord } from 'das-read';

// The format as das-format.md describes it, written out here and not taken from the decoder:
// a mistake in the decoder's constants must not be made the same way on this side of every test.
const WRAPPER_TYPE = 'DatabaseActivityMonitoringRecords';
const KEY_NAMESPACE = 'BC';
const KEY_NAME = 'DataKey';

/** §2: an Aurora cluster's data keys are bound to `aws:rds:dbc-id`, an RDS instance's to `aws:rds:db-id`. */
export function rdsEncryptionContext(resourceId: string): Record<string, string> {
  return resourceId.startsWith('db-') ? { 'aws:rds:db-id': resourceId } : { 'aws:rds:dbc-id': resourceId };
}

// RDS writes non-committing messages, which the SDK only encrypts under this policy.
const { encrypt } = buildEncrypt(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);

export const UNSIGNED_SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256; // 0x0178
export const SIGNED_SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384; // 0x0378

export interface ProducerOptions {
  kms: KMSClient;
  /** The activity stream's KMS key: id, ARN or alias. */
  kmsKeyId: string;
  /** `cluster-…` or `db-…`: binds each data key to the resource, as RDS does. */
  resourceId: string;
  /** Records per data key before a new one is generated. */
  recordsPerDataKey?: number;
  suite?: AlgorithmSuiteIdentifier;
  /** The wrapper's `version`: 1.1 Aurora PostgreSQL, 1.2 Aurora MySQL, 1.3 Oracle, 1.4 SQL Server. */
  version?: string;
}

interface DataKeyInUse {
  keyring: RawAesKeyringNode;
  /** base64 of the KMS ciphertext blob, as the wrapper carries it. */
  wrappedKey: string;
  uses: number;
}

/**
 * Makes Kinesis record data exactly as RDS does (docs/das-format.md §2–3): a KMS data key
 * under the resource's encryption context, reused then rotated; the record gzip'd and
 * encrypted with the Encryption SDK under a raw AES keyring BC/DataKey; base64 in the
 * JSON wrapper. The one producer for the tests, the benchmark and the lab.
 */
export class DasRecordProducer {
  #current: DataKeyInUse | undefined;
  #pendingKey: Promise<void> | undefined;
  dataKeysGenerated = 0;

  constructor(private readonly options: ProducerOptions) {}

  async encode(record: DasActivityRecord, version?: string): Promise<Buffer> {
    return this.encodePayload(gzipSync(JSON.stringify(record)), version);
  }

  /** Encrypts and wraps any payload bytes as RDS would: how tests make records broken on purpose. */
  async encodePayload(payload: Uint8Array, version = this.options.version ?? '1.1'): Promise<Buffer> {
    const key = await this.#dataKey();
    const message = await encrypt(key.keyring, payload, {
      suiteId: this.options.suite ?? UNSIGNED_SUITE,
      frameLength: 4096,
      encryptionContext: {},
    });
    const wrapper = {
      type: WRAPPER_TYPE,
      version,
      databaseActivityEvents: message.result.toString('base64'),
      key: key.wrappedKey,
    };
    return Buffer.from(JSON.stringify(wrapper), 'utf8');
  }

  async #dataKey(): Promise<DataKeyInUse> {
    while (!this.#current || this.#current.uses >= (this.options.recordsPerDataKey ?? 100)) {
      // Concurrent encodes share one GenerateDataKey call.
      this.#pendingKey ??= this.#rotate().finally(() => (this.#pendingKey = undefined));
      await this.#pendingKey;
    }
    this.#current.uses++;
    return this.#current;
  }

  async #rotate(): Promise<void> {
    const answer = await this.options.kms.send(
      new GenerateDataKeyCommand({
        KeyId: this.options.kmsKeyId,
        KeySpec: 'AES_256',
        EncryptionContext: rdsEncryptionContext(this.options.resourceId),
      }),
    );
    if (!answer.Plaintext || !answer.CiphertextBlob) throw new Error('GenerateDataKey returned no key');
    // The keyring zeroes the buffer it is given and refuses a view into a larger one: a copy of its own.
    const keyring = new RawAesKeyringNode({
      keyNamespace: KEY_NAMESPACE,
      keyName: KEY_NAME,
      unencryptedMasterKey: new Uint8Array(answer.Plaintext),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
    answer.Plaintext.fill(0);
    this.#current = {
      keyring,
      wrappedKey: Buffer.from(answer.CiphertextBlob).toString('base64'),
      uses: 0,
    };
    this.dataKeysGenerated++;
  }
}
