// @ts-check
// A decryption thread: opens records (Encryption SDK, gunzip, events to JSON), the costly
// part of reading, so that every core does it. Plain JavaScript so that it runs as it is
// from src/ (tests) and from dist/ (the CLI).
import { parentPort, workerData } from 'node:worker_threads';
import { dasKeyring, openPayload } from './open-payload.js';

/** As many keyrings as the main thread believes this one holds: both forget the oldest first. */
const { keysPerThread, maxRecordBytes } = /** @type {{ keysPerThread: number, maxRecordBytes?: number }} */ (workerData);
// A few records at once let the SDK's stream steps overlap; many only swell the heap.
const CONCURRENCY = 4;

/**
 * @typedef {{ id: number, keyId: string, key?: Uint8Array, message: Uint8Array }} Job
 * @typedef {{ id: number, opened?: import('./activity-record.js').OpenedRecord, reason?: string }} Outcome
 */

/** @type {Map<string, import('@aws-crypto/raw-aes-keyring-node').RawAesKeyringNode>} */
const keyrings = new Map();

/**
 * @param {number} id
 * @param {import('@aws-crypto/raw-aes-keyring-node').RawAesKeyringNode | undefined} keyring
 * @param {Uint8Array} message
 * @returns {Promise<Outcome>}
 */
async function open(id, keyring, message) {
  if (!keyring) return { id, reason: 'the data key never reached this thread' };
  try {
    return { id, opened: await openPayload(keyring, message, maxRecordBytes) };
  } catch (error) {
    return { id, reason: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', async (/** @type {Job[]} */ jobs) => {
  // Each job takes its keyring as the main thread counted it: in order, before a later
  // job's key can push it out.
  const work = jobs.map((job) => {
    if (job.key) {
      keyrings.set(job.keyId, dasKeyring(job.key));
      if (keyrings.size > keysPerThread) keyrings.delete(/** @type {string} */ (keyrings.keys().next().value));
    }
    return { id: job.id, keyring: keyrings.get(job.keyId), message: job.message };
  });
  // Jobs of one message that carry the same key share one copy of it: wiped once all have taken it.
  for (const job of jobs) job.key?.fill(0);
  /** @type {Outcome[]} */
  const outcomes = new Array(work.length);
  let next = 0;
  const lane = async () => {
    while (next < work.length) {
      const index = next++;
      const { id, keyring, message } = /** @type {(typeof work)[number]} */ (work[index]);
      outcomes[index] = await open(id, keyring, message);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, work.length) }, lane));
  // Each record's text moves to the main thread instead of being copied.
  parentPort?.postMessage(
    outcomes,
    outcomes.flatMap((outcome) => (outcome.opened && outcome.opened.text.byteLength > 0 ? [outcome.opened.text.buffer] : [])),
  );
});
