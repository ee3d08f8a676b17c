import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ECDH, createECDH, createPublicKey, createSign, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { AlgorithmSuiteIdentifier, CommitmentPolicy, NodeAlgorithmSuite } from '@aws-crypto/material-management-node';
import { VerificationKey } from '@aws-crypto/material-management';
import { dasKeyring, decryptMessage } from '../../src/decode/open-payload.js';
import { decryptWholeMessage } from '../../src/decode/whole-message.js';
import { OpenSslVerificationMaterials, publicKeyOf } from '../../src/decode/openssl-verification.js';
import { partsOf, withFrames } from '../helpers/message-parts.js';

// The proof that the whole-message path is the same decryption as decrypt-node's: the same
// output for every message both take, and a refusal exactly where decrypt-node refuses.
const { encrypt } = buildEncrypt(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
const OPTIONS = { commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, maxEncryptedDataKeys: 1 } as const;
const reference = buildDecrypt(OPTIONS).decrypt;
const UNSIGNED = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256;
const SIGNED = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384;
const SUITES = [
  ['unsigned 0x0178', UNSIGNED],
  ['signed 0x0378', SIGNED],
] as const;

const key = randomBytes(32);
const keyring = dasKeyring(key);

/** A fresh P-384 public key's uncompressed point. */
function pointOfNew(): Buffer {
  const ecdh = createECDH('secp384r1');
  ecdh.generateKeys();
  return ecdh.getPublicKey();
}

async function seal(
  plaintext: Uint8Array,
  suiteId: AlgorithmSuiteIdentifier,
  frameLength: number,
  encryptionContext: Record<string, string> = {},
): Promise<Buffer> {
  return (await encrypt(dasKeyring(key), plaintext, { suiteId, frameLength, encryptionContext })).result;
}

type Verdict = { plaintext: Buffer } | { refused: true };
async function verdict(run: () => Promise<Uint8Array>): Promise<Verdict> {
  try {
    return { plaintext: Buffer.from(await run()) };
  } catch {
    return { refused: true };
  }
}
const fast = (message: Uint8Array, ring = keyring) => verdict(() => decryptMessage(ring, message));
const sdk = (message: Uint8Array, ring = keyring) => verdict(async () => (await reference(ring, message)).plaintext);

/** Both paths over every variant; answers how many each refused, and fails on the first difference. */
async function sameVerdicts(variants: Iterable<[string, Uint8Array]>): Promise<{ refused: number; taken: number }> {
  let refused = 0;
  let taken = 0;
  for (const [name, message] of variants) {
    const [ours, theirs] = [await fast(message), await sdk(message)];
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
      throw new Error(`${name}: das-read ${'refused' in ours ? 'refused' : 'took'} it, decrypt-node ${'refused' in theirs ? 'refused' : 'took'} it`);
    }
    if ('refused' in ours) refused++;
    else taken++;
  }
  return { refused, taken };
}

function* flips(message: Buffer): Generator<[string, Buffer]> {
  for (let at = 0; at < message.length; at++) {
    const flipped = Buffer.from(message);
    flipped[at] = (flipped[at] as number) ^ 0x01;
    yield [`a flip at byte ${at}`, flipped];
  }
}

function* truncations(message: Buffer): Generator<[string, Buffer]> {
  for (let length = 0; length < message.length; length++) yield [`the first ${length} bytes`, message.subarray(0, length)];
}

describe('the whole-message path decrypts as decrypt-node does', () => {
  for (const [name, suiteId] of SUITES) {
    it(`gives decrypt-node's plaintext byte for byte: ${name}, one and several frames, a frame boundary, empty and 1 MB`, async () => {
      const cases: Array<[number, number]> = [
        [0, 4096],
        [1, 4096],
        [814, 4096],
        [4095, 4096],
        [4096, 4096],
        [4097, 4096],
        [0, 64],
        [63, 64],
        [64, 64],
        [65, 64],
        [640, 64],
        [1000, 64],
        [1024 * 1024, 4096],
      ];
      for (const [length, frameLength] of cases) {
        const plaintext = randomBytes(length);
        const message = await seal(plaintext, suiteId, frameLength);
        const framesExpected = Math.floor(length / frameLength) + 1;
        expect(partsOf(message).frames).toHaveLength(framesExpected);
        const ours = await decryptWholeMessage(OPTIONS, new OpenSslVerificationMaterials(keyring), message);
        expect(ours, `${length} bytes in frames of ${frameLength}: taken by the whole-message path`).toBeDefined();
        expect(Buffer.compare(ours as Buffer, (await reference(keyring, message)).plaintext)).toBe(0);
        expect(Buffer.compare(ours as Buffer, plaintext)).toBe(0);
      }
    });

    it(`refuses exactly what decrypt-node refuses, at every byte flip and every truncation: ${name}`, async () => {
      for (const [length, frameLength] of [
        [300, 4096],
        [200, 64],
        [128, 64],
      ] as const) {
        const message = await seal(randomBytes(length), suiteId, frameLength);
        const flipped = await sameVerdicts(flips(message));
        // Every byte of a message is authenticated, or it is the signature's, or it names the key.
        expect(flipped.refused).toBe(message.length);
        const cut = await sameVerdicts(truncations(message));
        expect(cut.refused).toBe(message.length);
      }
      // Thousands of messages through both decrypters, the signed suites verifying each: minutes on a busy 2-core machine.
    }, 180_000);

    it(`refuses a wrong data key, a changed encryption context, reordered and dropped frames, as decrypt-node does: ${name}`, async () => {
      const message = await seal(randomBytes(256), suiteId, 64, { 'aws:rds:dbc-id': 'cluster-ABC' });
      const context = message.indexOf('cluster-ABC');
      const otherContext = Buffer.from(message);
      otherContext.write('cluster-ABD', context);
      const { frames } = partsOf(message);
      expect(frames).toHaveLength(5);
      const variants: Array<[string, Uint8Array]> = [
        ['frames 1 and 2 swapped', withFrames(message, [1, 0, 2, 3, 4])],
        ['frame 2 dropped', withFrames(message, [0, 2, 3, 4])],
        ['a frame repeated', withFrames(message, [0, 0, 1, 2, 3, 4])],
        ['the final frame first', withFrames(message, [4, 0, 1, 2, 3])],
        ['the final frame dropped', withFrames(message, [0, 1, 2, 3])],
        ['another cluster in the encryption context', otherContext],
      ];
      expect(await sameVerdicts(variants)).toEqual({ refused: variants.length, taken: 0 });
      const otherKey = dasKeyring(randomBytes(32));
      expect(await fast(message, otherKey)).toEqual({ refused: true });
      expect(await sdk(message, otherKey)).toEqual({ refused: true });
    });
  }

  it('takes bytes after an unsigned message as decrypt-node does, and refuses them after a signed one as it does', async () => {
    const variants: Array<[string, Uint8Array]> = [];
    for (const [name, suiteId] of SUITES) {
      const message = await seal(randomBytes(100), suiteId, 4096);
      for (const extra of [Buffer.from([0]), randomBytes(1), randomBytes(40)])
        variants.push([`${name} + ${extra.length} bytes`, Buffer.concat([message, extra])]);
    }
    const verdicts = await sameVerdicts(variants);
    expect(verdicts.taken).toBeGreaterThanOrEqual(3);
  });

  it('leaves other suites and message formats to decrypt-node, which still reads them', async () => {
    for (const suiteId of [
      AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16,
      AlgorithmSuiteIdentifier.ALG_AES128_GCM_IV12_TAG16_HKDF_SHA256,
      AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
      AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
    ]) {
      const plaintext = randomBytes(500);
      const encryptAny = buildEncrypt(
        suiteId >= 0x0478 ? CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT : CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT,
      ).encrypt;
      const { result } = await encryptAny(dasKeyring(key), plaintext, { suiteId, frameLength: 128 });
      expect(await decryptWholeMessage(OPTIONS, new OpenSslVerificationMaterials(keyring), result), `suite ${suiteId.toString(16)}`).toBeUndefined();
      expect(Buffer.compare(await decryptMessage(keyring, result), plaintext)).toBe(0);
    }
  });

  it('loads decrypt-node only for a message the whole-message path leaves to it', async () => {
    const das = await seal(randomBytes(500), UNSIGNED, 4096);
    const other = (
      await encrypt(dasKeyring(key), randomBytes(500), { suiteId: AlgorithmSuiteIdentifier.ALG_AES128_GCM_IV12_TAG16_HKDF_SHA256, frameLength: 128 })
    ).result;
    // A process of its own: this file has loaded decrypt-node already.
    const script = `
      import { createRequire } from 'node:module';
      const { dasKeyring, decryptMessage } = await import(${JSON.stringify(new URL('../../src/decode/open-payload.js', import.meta.url).href)});
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/@aws-crypto/decrypt-node/'));
      const keyring = dasKeyring(Buffer.from(process.argv[1], 'base64'));
      await decryptMessage(keyring, Buffer.from(process.argv[2], 'base64'));
      const afterDas = loaded();
      await decryptMessage(keyring, Buffer.from(process.argv[3], 'base64'));
      console.log(JSON.stringify({ afterDas, afterOther: loaded() }));`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--input-type=module',
      '-e',
      script,
      key.toString('base64'),
      das.toString('base64'),
      other.toString('base64'),
    ]);
    expect(JSON.parse(stdout)).toEqual({ afterDas: false, afterOther: true });
  });

  it('refuses a message with two wrapped keys, as the limit of one says', async () => {
    const { MultiKeyringNode } = await import('@aws-crypto/material-management-node');
    const two = new MultiKeyringNode({ generator: dasKeyring(key), children: [dasKeyring(randomBytes(32))] });
    const { result } = await encrypt(two, randomBytes(100), { suiteId: UNSIGNED, frameLength: 4096 });
    expect(await sameVerdicts([['two encrypted data keys', result]])).toEqual({ refused: 1, taken: 0 });
  });
});

describe("a signed message's public key, made by OpenSSL", () => {
  for (const [curve, crv, suiteId] of [
    ['secp384r1', 'P-384', SIGNED],
    ['prime256v1', 'P-256', AlgorithmSuiteIdentifier.ALG_AES128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256],
  ] as const) {
    const suite = new NodeAlgorithmSuite(suiteId);
    const pointOf = (key: KeyObject) => {
      const { x, y } = key.export({ format: 'jwk' });
      return Buffer.concat([Buffer.from([4]), Buffer.from(x as string, 'base64url'), Buffer.from(y as string, 'base64url')]);
    };

    it(`is the SDK's own point on 200 keys of ${curve}, and verifies what their private keys sign`, async () => {
      for (let n = 0; n < 200; n++) {
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
        const compressed = ECDH.convertKey(pointOf(publicKey), curve, undefined, undefined, 'compressed') as Buffer;
        const ours = await publicKeyOf(curve, compressed);
        expect(pointOf(ours)).toEqual(Buffer.from(VerificationKey.decodeCompressPoint(compressed, suite)));
        const signature = createSign('sha384').update(`message ${n}`).sign(privateKey);
        expect(createVerify('sha384').update(`message ${n}`).verify(ours, signature)).toBe(true);
      }
    });

    it(`refuses exactly the ${curve} points the SDK makes off the curve or cannot make`, async () => {
      const verdicts = new Map<string, number>();
      for (let n = 0; n < 300; n++) {
        const bytes = Buffer.concat([Buffer.from([2 + (n % 3)]), randomBytes(suite.keyLengthBytes === 16 ? 32 : 48)]);
        let theirs: string;
        try {
          const point = Buffer.from(VerificationKey.decodeCompressPoint(bytes, suite));
          const half = (point.length - 1) / 2;
          createPublicKey({
            key: { kty: 'EC', crv, x: point.subarray(1, 1 + half).toString('base64url'), y: point.subarray(1 + half).toString('base64url') },
            format: 'jwk',
          });
          theirs = point.toString('hex');
        } catch {
          theirs = 'refused';
        }
        let ours: string;
        try {
          ours = pointOf(await publicKeyOf(curve, bytes)).toString('hex');
        } catch {
          ours = 'refused';
        }
        expect(ours).toBe(theirs);
        const kind = ours === 'refused' ? 'refused' : 'taken';
        verdicts.set(kind, (verdicts.get(kind) ?? 0) + 1);
      }
      // Random x is a point of the curve about half the time: both verdicts were tried.
      expect(verdicts.get('taken')).toBeGreaterThan(50);
      expect(verdicts.get('refused')).toBeGreaterThan(100);
    });
  }

  it('keeps a key object only for the exact bytes it was made from, and only the latest 256', async () => {
    const compressedOf = () => ECDH.convertKey(pointOfNew(), 'secp384r1', undefined, undefined, 'compressed') as Buffer;
    const first = compressedOf();
    const key = await publicKeyOf('secp384r1', first);
    expect(await publicKeyOf('secp384r1', Buffer.from(first))).toBe(key);
    // Another point, and the same x with the other y, are other keys.
    const otherY = Buffer.from(first);
    otherY[0] = otherY[0] === 2 ? 3 : 2;
    expect((await publicKeyOf('secp384r1', otherY)).equals(key)).toBe(false);
    expect((await publicKeyOf('secp384r1', compressedOf())).equals(key)).toBe(false);
    for (let n = 0; n < 256; n++) await publicKeyOf('secp384r1', compressedOf());
    const again = await publicKeyOf('secp384r1', first);
    expect(again).not.toBe(key);
    expect(again.equals(key)).toBe(true);
  });

  it('leaves a point OpenSSL will not take to the SDK, whose verdict stands', async () => {
    const message = await seal(randomBytes(100), SIGNED, 4096);
    // The compressed point is base64 in the encryption context: each of its characters
    // changed gives another prefix, a point off the curve, or another point. Header
    // authentication refuses all of them, in both.
    const at = message.indexOf('aws-crypto-public-key');
    expect(at).toBeGreaterThan(0);
    const value = at + 'aws-crypto-public-key'.length + 2;
    const variants: Array<[string, Uint8Array]> = [];
    for (let offset = 0; offset < 64; offset++) {
      const changed = Buffer.from(message);
      changed[value + offset] = changed[value + offset] === 0x41 ? 0x42 : 0x41;
      variants.push([`public key character ${offset}`, changed]);
    }
    expect(await sameVerdicts(variants)).toEqual({ refused: variants.length, taken: 0 });
  });
});
