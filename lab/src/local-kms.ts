import { randomBytes, randomUUID } from 'node:crypto';
import { blobKeyId, openBlob, sealBlob, type Context } from './kms-ciphertext.js';
import { answerJson, ServiceError, type ServiceReply } from './service-error.js';

interface LabKey {
  keyId: string;
  arn: string;
  material: Buffer;
  description: string;
  created: Date;
  state: KeyState;
}

type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

export interface LocalKmsOptions {
  region: string;
  accountId: string;
  /** Added to every answer: stands for the network distance to the real service. */
  delayMs?: number;
}

export interface KmsStats {
  decryptCalls: number;
  generateDataKeyCalls: number;
}

/**
 * AWS KMS as das-read and RDS use it, over the real JSON 1.1 protocol
 * (X-Amz-Target: TrentService.<Operation>), so the real SDK client talks to it.
 */
export class LocalKms {
  readonly stats: KmsStats = { decryptCalls: 0, generateDataKeyCalls: 0 };
  readonly #keys = new Map<string, LabKey>();
  readonly #aliases = new Map<string, string>();

  constructor(private readonly options: LocalKmsOptions) {}

  get delayMs(): number {
    return this.options.delayMs ?? 0;
  }

  set delayMs(value: number) {
    this.options.delayMs = value;
  }

  createKey(description = ''): LabKey {
    const keyId = randomUUID();
    const key: LabKey = {
      keyId,
      arn: `arn:aws:kms:${this.options.region}:${this.options.accountId}:key/${keyId}`,
      material: randomBytes(32),
      description,
      created: new Date(),
      state: 'Enabled',
    };
    this.#keys.set(keyId, key);
    return key;
  }

  createAlias(aliasName: string, targetKeyId: string): void {
    if (!aliasName.startsWith('alias/') || aliasName.startsWith('alias/aws/')) {
      throw new ServiceError('ValidationException', `Alias must start with alias/ and not alias/aws/: ${aliasName}`);
    }
    if (this.#aliases.has(aliasName)) throw new ServiceError('AlreadyExistsException', `An alias with the name ${this.aliasArn(aliasName)} already exists`);
    this.#aliases.set(aliasName, this.resolveKey(targetKeyId).keyId);
  }

  /** A key by id, key ARN, alias name or alias ARN. */
  resolveKey(keyId: string): LabKey {
    const aliasName = keyId.includes(':alias/') ? keyId.slice(keyId.indexOf(':alias/') + 1) : keyId;
    const id = aliasName.startsWith('alias/') ? this.#aliases.get(aliasName) : keyId.split(':key/').at(-1);
    const key = id ? this.#keys.get(id) : undefined;
    if (!key) throw new ServiceError('NotFoundException', `Key '${keyId}' does not exist`);
    return key;
  }

  async handle(operation: string, body: Buffer): Promise<ServiceReply> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return answerJson(body, (input) => this.#dispatch(operation, input));
  }

  #dispatch(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case 'CreateKey':
        return { KeyMetadata: this.#metadata(this.createKey(optionalString(input.Description))) };
      case 'DescribeKey':
        return { KeyMetadata: this.#metadata(this.resolveKey(requiredString(input, 'KeyId'))) };
      case 'CreateAlias':
        this.createAlias(requiredString(input, 'AliasName'), requiredString(input, 'TargetKeyId'));
        return {};
      case 'ListAliases':
        return {
          Aliases: [...this.#aliases].map(([name, keyId]) => ({ AliasName: name, AliasArn: this.aliasArn(name), TargetKeyId: keyId })),
        };
      case 'GenerateDataKey':
        return this.#generateDataKey(input);
      case 'Encrypt': {
        const key = this.resolveKey(requiredString(input, 'KeyId'));
        const blob = sealBlob(key.keyId, key.material, requiredBlob(input, 'Plaintext'), context(input));
        return { CiphertextBlob: blob.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      }
      case 'Decrypt':
        return this.#decrypt(input);
      case 'DisableKey':
        this.resolveKey(requiredString(input, 'KeyId')).state = 'Disabled';
        return {};
      case 'EnableKey':
        this.resolveKey(requiredString(input, 'KeyId')).state = 'Enabled';
        return {};
      case 'ScheduleKeyDeletion': {
        const key = this.resolveKey(requiredString(input, 'KeyId'));
        key.state = 'PendingDeletion';
        const days = typeof input.PendingWindowInDays === 'number' ? input.PendingWindowInDays : 30;
        return { KeyId: key.arn, KeyState: key.state, DeletionDate: Date.now() / 1000 + days * 86_400, PendingWindowInDays: days };
      }
      default:
        throw new ServiceError('UnknownOperationException', `The lab KMS does not implement ${operation}`);
    }
  }

  #generateDataKey(input: Record<string, unknown>): unknown {
    this.stats.generateDataKeyCalls++;
    const key = this.resolveKey(requiredString(input, 'KeyId'));
    const spec = input.KeySpec;
    const bytes = typeof input.NumberOfBytes === 'number' ? input.NumberOfBytes : spec === 'AES_128' ? 16 : spec === 'AES_256' ? 32 : 0;
    if (!(bytes >= 1 && bytes <= 1024)) throw new ServiceError('ValidationException', 'Specify KeySpec or NumberOfBytes (1 to 1024)');
    const plaintext = randomBytes(bytes);
    const blob = sealBlob(key.keyId, key.material, plaintext, context(input));
    return { CiphertextBlob: blob.toString('base64'), Plaintext: plaintext.toString('base64'), KeyId: key.arn };
  }

  #decrypt(input: Record<string, unknown>): unknown {
    this.stats.decryptCalls++;
    const blob = requiredBlob(input, 'CiphertextBlob');
    const keyId = blobKeyId(blob);
    const key = keyId ? this.#keys.get(keyId) : undefined;
    if (!key) throw new ServiceError('InvalidCiphertextException', 'The ciphertext is not a valid KMS ciphertext for this account');
    if (key.state === 'Disabled') throw new ServiceError('DisabledException', `${key.arn} is disabled.`);
    if (key.state === 'PendingDeletion') throw new ServiceError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    if (typeof input.KeyId === 'string' && this.resolveKey(input.KeyId).keyId !== key.keyId) {
      throw new ServiceError('IncorrectKeyException', 'The key ID in the request does not identify the key that encrypted the ciphertext');
    }
    let plaintext: Buffer;
    try {
      plaintext = openBlob(key.material, blob, context(input));
    } catch {
      // Real KMS says no more than this when the context differs or the blob was altered.
      throw new ServiceError('InvalidCiphertextException', '');
    }
    return { Plaintext: plaintext.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
  }

  aliasArn(aliasName: string): string {
    return `arn:aws:kms:${this.options.region}:${this.options.accountId}:${aliasName}`;
  }

  #metadata(key: LabKey): unknown {
    return {
      AWSAccountId: this.options.accountId,
      KeyId: key.keyId,
      Arn: key.arn,
      CreationDate: key.created.getTime() / 1000,
      Enabled: key.state === 'Enabled',
      Description: key.description,
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: key.state,
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      KeySpec: 'SYMMETRIC_DEFAULT',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false,
    };
  }
}

function requiredString(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') throw new ServiceError('ValidationException', `${name} is required`);
  return value;
}

function optionalString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function requiredBlob(input: Record<string, unknown>, name: string): Buffer {
  return Buffer.from(requiredString(input, name), 'base64');
}

function context(input: Record<string, unknown>): Context | undefined {
  const value = input.EncryptionContext;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new ServiceError('ValidationException', 'EncryptionContext must map strings to strings');
  }
  return value as Context;
}
