// @ts-check
// A decryption thread: Encryption SDK decrypt and gunzip, the costly part of a record.
// Plain JavaScript so that it runs as it is from src/ (tests) and from dist/ (the CLI).
import { parentPort } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';

const { decrypt } = buildClient({ commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, maxEncryptedDataKeys: 1 });
const MAX_KEYRINGS = 256;
/** @type {Map<string, RawAesKeyringNode>} */
const keyrings = new Map();

/**
 * @typedef {{ id: number, keyId: string, key?: Uint8Array, message: Uint8Array }} Job
 * @typedef {{ id: number, text?: string, step?: 'decrypt' | 'gunzip', detail?: string }} Outcome
 */

/** @param {Job} job @returns {Promise<Outcome>} */
async function run(job) {
  if (job.key) {
    // The key arrives as our own copy; the keyring zeroes it once it has taken it.
    keyrings.set(job.keyId, new RawAesKeyringNode({ keyNamespace: 'BC', keyName: 'DataKey', unencryptedMasterKey: job.key, wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING }));
    if (keyrings.size > MAX_KEYRINGS) keyrings.delete(/** @type {string} */ (keyrings.keys().next().value));
  }
  const keyring = keyrings.get(job.keyId);
  if (!keyring) return { id: job.id, step: 'decrypt', detail: 'the data key never reached this thread' };
  let plaintext;
  try {
    plaintext = (await decrypt(keyring, job.message)).plaintext;
  } catch (error) {
    return { id: job.id, step: 'decrypt', detail: error instanceof Error ? error.message : String(error) };
  }
  try {
    return { id: job.id, text: gunzipSync(plaintext).toString('utf8') };
  } catch (error) {
    return { id: job.id, step: 'gunzip', detail: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', async (/** @type {Job[]} */ jobs) => {
  parentPort?.postMessage(await Promise.all(jobs.map(run)));
});
