// @ts-check
// One thread of the ceiling: opens its share of the records as das-read's threads do
// (Encryption SDK, gunzip, events to JSON) with nothing around it, and reports how long that took.
import { parentPort, workerData } from 'node:worker_threads';
import { dasKeyring } from '../src/decode/open-payload.js';
import { openJobs } from './open-jobs.js';

/** @type {{ keys: Record<string, Uint8Array>, jobs: Array<{ keyId: string, message: Uint8Array }> }} */
const { keys, jobs } = workerData;
const keyrings = new Map(Object.entries(keys).map(([id, key]) => [id, dasKeyring(key)]));

await openJobs(keyrings, jobs.slice(0, Math.ceil(jobs.length / 10)));
parentPort?.postMessage('warm');
parentPort?.on('message', async () => {
  const started = performance.now();
  await openJobs(keyrings, jobs);
  parentPort?.postMessage((performance.now() - started) / 1000);
});
