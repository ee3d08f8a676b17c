// @ts-check
// One Encryption SDK message decrypted from the one Buffer it arrives in. decrypt-node
// takes every message through four Node streams inside duplexify, and that plumbing, not
// AES-GCM, was most of a record's cost. These are the same steps in the same order, each
// made by the SDK's own exported part, as its browser build composes them: no format or
// cryptographic decision is made here, only the order they are asked in.
// Plain JavaScript, as every module a decryption thread loads: it runs as it is from src/ and dist/.
import {
  AlgorithmSuiteIdentifier,
  CommitmentPolicySuites,
  NodeAlgorithmSuite,
  SignaturePolicy,
  SignaturePolicySuites,
  getDecryptionHelper,
  needs,
} from '@aws-crypto/material-management-node';
import { ContentType, SerializationVersion, aadFactory, decodeBodyHeader, deserializeFactory, deserializeSignature } from '@aws-crypto/serialize';

const toUtf8 = (/** @type {Uint8Array} */ input) => Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
const fromUtf8 = (/** @type {string} */ input) => Buffer.from(input, 'utf8');
const deserialize = deserializeFactory(toUtf8, NodeAlgorithmSuite);
const { messageAADContentString, messageAAD } = aadFactory(fromUtf8);

/** The two suites DAS writes with. A message of any other is decrypt-node's, as before. */
const DAS_SUITES = new Set([
  AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256,
  AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
]);

/** decrypt-node's default, which buildDecrypt gives when it is not named. */
const SIGNATURE_POLICY = SignaturePolicy.ALLOW_ENCRYPT_ALLOW_DECRYPT;

/**
 * @typedef {import('@aws-crypto/material-management-node').NodeMaterialsManager} MaterialsManager
 * @typedef {{ commitmentPolicy: import('@aws-crypto/material-management-node').CommitmentPolicy, maxEncryptedDataKeys: number }} ClientOptions
 */

/**
 * Decrypts `message` as decrypt-node's `decrypt` would, or answers `undefined` for a message
 * this path does not take (another suite, message format 2, unframed content): those go to
 * decrypt-node. Throws exactly where decrypt-node rejects, with the SDK's own reason.
 * @param {ClientOptions} options
 * @param {MaterialsManager} materials
 * @param {Uint8Array} message
 * @returns {Promise<Buffer | undefined>}
 */
export async function decryptWholeMessage({ commitmentPolicy, maxEncryptedDataKeys }, materials, message) {
  const headerInfo = deserialize.deserializeMessageHeader(message, { maxEncryptedDataKeys });
  // The whole message is here: a header that needs more bytes is a message cut short.
  if (!headerInfo) throw new Error('Incomplete Header');
  const { messageHeader, algorithmSuite, rawHeader, headerAuth } = headerInfo;
  if (messageHeader.version !== SerializationVersion.V1 || messageHeader.contentType !== ContentType.FRAMED_DATA || !DAS_SUITES.has(algorithmSuite.id)) {
    return undefined;
  }
  const { messageId, encryptionContext, encryptedDataKeys } = messageHeader;
  const messageIdText = Buffer.from(messageId).toString('hex');
  CommitmentPolicySuites.isDecryptEnabled(commitmentPolicy, algorithmSuite, messageIdText);
  SignaturePolicySuites.isDecryptEnabled(SIGNATURE_POLICY, algorithmSuite, messageIdText);

  const material = await materials.decryptMaterials({ suite: new NodeAlgorithmSuite(algorithmSuite.id), encryptionContext, encryptedDataKeys });
  CommitmentPolicySuites.isDecryptEnabled(commitmentPolicy, material.suite, messageIdText);
  SignaturePolicySuites.isDecryptEnabled(SIGNATURE_POLICY, material.suite, messageIdText);
  const { getDecipherInfo, getVerify, dispose } = getDecryptionHelper(material);
  try {
    // A version 1 header carries no suite data: undefined, as its type says it may be.
    const getDecipher = getDecipherInfo(messageId, /** @type {any} */ (messageHeader).suiteData);
    const { headerIv, headerAuthTag, headerAuthLength } = headerAuth;
    const headerCheck = getDecipher(headerIv);
    headerCheck.setAAD(asBuffer(rawHeader));
    headerCheck.setAuthTag(asBuffer(headerAuthTag));
    headerCheck.update(Buffer.alloc(0));
    headerCheck.final();

    const clear = [];
    let readPos = rawHeader.byteLength + headerAuthLength;
    for (let sequenceNumber = 1; ; sequenceNumber++) {
      const frame = decodeBodyHeader(message, headerInfo, readPos);
      if (!frame) throw new Error('Incomplete message');
      needs(frame.sequenceNumber === sequenceNumber, 'Encrypted body sequence out of order.');
      const tagBytes = frame.tagLength / 8;
      const contentEnd = frame.readPos + frame.contentLength;
      if (contentEnd + tagBytes > message.byteLength) throw new Error('Incomplete message');
      const aad = messageAAD(
        messageId,
        messageAADContentString({ contentType: messageHeader.contentType, isFinalFrame: frame.isFinalFrame }),
        frame.sequenceNumber,
        frame.contentLength,
      );
      const decipher = getDecipher(frame.iv);
      decipher.setAAD(asBuffer(aad));
      decipher.setAuthTag(asBuffer(message.subarray(contentEnd, contentEnd + tagBytes)));
      clear.push(decipher.update(asBuffer(message.subarray(frame.readPos, contentEnd))));
      clear.push(decipher.final());
      readPos = contentEnd + tagBytes;
      if (frame.isFinalFrame) break;
    }

    // Unsigned, what follows the final frame is never read, as decrypt-node never reads it.
    if (getVerify) {
      // Signed: everything before the signature, as the browser build verifies it, by the SDK's verifier.
      const verify = getVerify();
      verify.update(asBuffer(message.subarray(0, readPos)));
      const signature = deserializeSignature(message.subarray(readPos));
      needs(verify.awsCryptoVerify(asBuffer(signature)), 'Invalid Signature');
    }
    return Buffer.concat(clear);
  } finally {
    dispose();
  }
}

/** @param {Uint8Array} bytes */
function asBuffer(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
