// @ts-check
// One thread of the ceiling: opens its share of the records as das-read's threads do
// (Encryption SDK, gunzip, events to JSON) with nothing around it, and reports how long that took.
import { parentPort, workerData } from 'node:worker_threads';
import { dasKeyring, openPayload } from '../src/decode/open-payload.js';

const CONCURRENCY = 4;
/** @type {{ keys: Record<string, Uint8Array>, jobs: Array<{ keyId: string, message: Uint8Array }> }} */
const { keys, jobs } = workerData;
const keyrings = new Map(Object.entries(keys).map(([id, key]) => [id, dasKeyring(key)]));

/** @param {typeof jobs} share */
async function openAll(share) {
  let next = 0;
  const lane = async () => {
    while (next < share.length) {
      const job = /** @type {(typeof jobs)[number]} */ (share[next++]);
      const keyring = keyrings.get(job.keyId);
      if (!keyring) throw new Error(`no data key ${job.keyId} in this thread`);
      await openPayload(keyring, job.message);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
}

await openAll(jobs.slice(0, Math.ceil(jobs.length / 10)));
parentPort?.postMessage('warm');
parentPort?.on('message', async () => {
  const started = performance.now();
  await openAll(jobs);
  parentPort?.postMessage((performance.now() - started) / 1000);
});
