// @ts-check
// The SDK's default materials manager, with one step done by OpenSSL instead of JavaScript:
// a signed message's public key. The SDK decompresses the point in bn.js (2.4 ms for P-384
// here) and hands OpenSSL a PEM string to parse again at every verification. Node's
// WebCrypto imports the compressed point itself, by OpenSSL, in 0.13 ms (a JWK import
// checks the key at length: 0.6 ms), and verification then takes the key object as it is.
// Plain JavaScript, as every module a decryption thread loads: it runs as it is from src/ and dist/.
import { KeyObject, webcrypto } from 'node:crypto';
import { NodeDecryptionMaterial, NodeDefaultCryptographicMaterialsManager, needs } from '@aws-crypto/material-management-node';
import { VerificationKey } from '@aws-crypto/material-management';
import { ENCODED_SIGNER_KEY } from '@aws-crypto/serialize';

/** OpenSSL's curve names, as the SDK's suites give them, to WebCrypto's. */
const WEB_CRYPTO_CURVES = /** @type {Record<string, string>} */ ({ prime256v1: 'P-256', secp384r1: 'P-384' });

/**
 * Public keys already made, by curve and the exact bytes of the point: a key object is
 * nothing but those bytes parsed, so a message can be given only its own key. A producer
 * may sign every message with a key of its own: the oldest are forgotten first.
 * @type {Map<string, import('node:crypto').KeyObject>}
 */
const publicKeys = new Map();
const PUBLIC_KEYS_KEPT = 256;

/**
 * The key object OpenSSL verifies with, from the compressed point the encryption context
 * carries. Rejects if OpenSSL does not take it as a point of the curve.
 * @param {string} curve the suite's signatureCurve
 * @param {Buffer} compressed
 * @returns {Promise<KeyObject>}
 */
export async function publicKeyOf(curve, compressed) {
  const cacheKey = `${curve}:${compressed.toString('hex')}`;
  let key = publicKeys.get(cacheKey);
  if (!key) {
    const namedCurve = WEB_CRYPTO_CURVES[curve];
    if (!namedCurve) throw new Error(`no public key format for the curve ${curve}`);
    key = KeyObject.from(await webcrypto.subtle.importKey('raw', compressed, { name: 'ECDSA', namedCurve }, true, ['verify']));
    publicKeys.set(cacheKey, key);
    if (publicKeys.size > PUBLIC_KEYS_KEPT) publicKeys.delete(/** @type {string} */ (publicKeys.keys().next().value));
  }
  return key;
}

/** The SDK's default materials manager, its signed messages' public keys made by OpenSSL. */
export class OpenSslVerificationMaterials extends NodeDefaultCryptographicMaterialsManager {
  /**
   * The SDK's own method, but for where the materials come from.
   * @override
   * @param {import('@aws-crypto/material-management-node').NodeDecryptionRequest} request
   */
  async decryptMaterials({ suite, encryptedDataKeys, encryptionContext }) {
    const material = await this.keyring.onDecrypt(await this.#initialize(suite, encryptionContext), encryptedDataKeys.slice());
    needs(material.getUnencryptedDataKey(), 'Unencrypted data key is invalid.');
    return material;
  }

  /**
   * The SDK's `_initializeDecryptionMaterial` but for the public key: the same preconditions, in the same order.
   * @param {import('@aws-crypto/material-management-node').NodeAlgorithmSuite} suite
   * @param {import('@aws-crypto/material-management-node').EncryptionContext} encryptionContext
   */
  async #initialize(suite, encryptionContext) {
    const { signatureCurve: namedCurve } = suite;
    if (!namedCurve) return this._initializeDecryptionMaterial(suite, encryptionContext);
    if (!encryptionContext) throw new Error('Encryption context does not contain required public key.');
    const { [ENCODED_SIGNER_KEY]: compressPoint } = encryptionContext;
    needs(compressPoint, 'Context does not contain required public key.');
    let publicKey;
    try {
      publicKey = await publicKeyOf(namedCurve, Buffer.from(compressPoint, 'base64'));
    } catch {
      // A point OpenSSL will not take is the SDK's to judge, exactly as decrypt-node judges it.
      return this._initializeDecryptionMaterial(suite, encryptionContext);
    }
    // A key that is not a Uint8Array the SDK keeps as it is, and hands to crypto's verify.
    return new NodeDecryptionMaterial(suite, encryptionContext).setVerificationKey(new VerificationKey(/** @type {any} */ (publicKey), suite));
  }
}
