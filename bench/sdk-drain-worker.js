// @ts-check
// The SDK-only drain's one thread: opens each message's records as they come, keys sent
// along the first time, and answers with their events' count.
import { parentPort } from 'node:worker_threads';
import { dasKeyring } from '../src/decode/open-payload.js';
import { openJobs } from './open-jobs.js';

/** @type {Map<string, import('@aws-crypto/raw-aes-keyring-node').RawAesKeyringNode>} */
const keyrings = new Map();

parentPort?.on('message', async (/** @type {Array<{ keyId: string, key?: Uint8Array, message: Uint8Array }>} */ jobs) => {
  for (const job of jobs) {
    if (!job.key) continue;
    // The keyring holds a copy of its own: the plaintext key that came in the message is wiped.
    keyrings.set(job.keyId, dasKeyring(job.key));
    job.key.fill(0);
  }
  try {
    parentPort?.postMessage({ events: await openJobs(keyrings, jobs) });
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
