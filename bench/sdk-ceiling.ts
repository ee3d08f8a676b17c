import { Worker } from 'node:worker_threads';
import type { KMSClient } from '@aws-sdk/client-kms';
import { DataKeyCache } from '../src/decode/data-keys.js';
import { parseWrapper } from '../src/decode/wrapper.js';
import type { Workload } from './workload.js';

/**
 * What any reader built on the Encryption SDK can do here at best: every thread opens its
 * share of the records (SDK, gunzip, JSON) from its own memory, with the data keys already
 * in hand and nothing around it — no Kinesis, no KMS, no handing records between threads, no
 * output. das-read's decode path ÷ this is the share its own pipeline leaves to the SDK's work.
 */
export async function sdkCeilingEventsPerSecond(kms: KMSClient, resourceId: string, workload: Workload, threads: number, rounds = 3): Promise<number> {
  const cache = new DataKeyCache(kms, { 'aws:rds:dbc-id': resourceId });
  const jobs: Array<{ keyId: string; message: Uint8Array }> = [];
  const keys: Record<string, Uint8Array> = {};
  for (const data of workload.data) {
    const wrapper = parseWrapper(data);
    const key = await cache.keyFor(wrapper.keyText, wrapper.key);
    keys[key.id] = key.bytes;
    jobs.push({ keyId: key.id, message: wrapper.databaseActivityEvents });
  }
  const shares = Array.from({ length: threads }, (_, t) => jobs.filter((_, i) => i % threads === t));
  const workers = shares.map((share) => new Worker(new URL('./sdk-ceiling-worker.js', import.meta.url), { workerData: { keys, jobs: share } }));
  try {
    await Promise.all(workers.map((worker) => answer(worker)));
    // All threads start together, warm: a round takes as long as its slowest thread. The best
    // round, as das-read's decode path is its best pass.
    let best = Infinity;
    for (let round = 0; round < rounds; round++) {
      const seconds = await Promise.all(workers.map((worker) => (worker.postMessage('go'), answer(worker))));
      best = Math.min(best, Math.max(...(seconds as number[])));
    }
    return (workload.data.length * workload.spec.eventsPerRecord) / best;
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

function answer(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}
