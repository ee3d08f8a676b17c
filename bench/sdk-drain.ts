import { Worker } from 'node:worker_threads';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KMSClient } from '@aws-sdk/client-kms';
import { DataKeyCache } from '../src/decode/data-keys.js';
import { parseWrapper } from '../src/decode/wrapper.js';
import { rawDrain } from './stream-measures.js';

interface Job {
  keyId: string;
  key: Uint8Array;
  message: Uint8Array;
}

const JOBS_PER_MESSAGE = 32;
const MESSAGES_IN_FLIGHT = 8;

/**
 * What any reader built on the Encryption SDK can do through the local server: the first
 * `recordsPerShard` of every shard, fetched by the server's own drain, KMS once per data
 * key, the SDK on one thread — and nothing else: no output, no order kept, no positions,
 * no process to start. das-read's pace ÷ this is the share its whole program leaves to
 * the SDK's work.
 */
export async function sdkDrain(
  kinesis: KinesisClient,
  kms: KMSClient,
  resourceId: string,
  streamName: string,
  recordsPerShard: number,
): Promise<{ records: number; events: number; seconds: number }> {
  const started = performance.now();
  const worker = new Worker(new URL('./sdk-drain-worker.js', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 48 } });
  const keys = new DataKeyCache(kms, { 'aws:rds:dbc-id': resourceId });
  const keysSent = new Set<string>();
  const answered: Array<() => void> = [];
  let inFlight = 0;
  let events = 0;
  let failure: Error | undefined;
  worker.on('message', (answer: { events?: number; error?: string }) => {
    if (answer.error) failure ??= new Error(answer.error);
    events += answer.events ?? 0;
    inFlight--;
    answered.shift()?.();
  });
  worker.on('error', (error) => {
    failure ??= error;
    for (const wake of answered.splice(0)) wake();
  });
  const send = async (jobs: Job[]) => {
    while (inFlight >= MESSAGES_IN_FLIGHT && !failure) await new Promise<void>((resolve) => answered.push(resolve));
    if (failure) throw failure;
    inFlight++;
    // A key goes with the first message that carries it, decided as it is posted: another
    // shard's message may have overtaken the one it was read for.
    worker.postMessage(
      jobs.map(({ keyId, key, message }) => {
        const first = !keysSent.has(keyId);
        keysSent.add(keyId);
        return first ? { keyId, key, message } : { keyId, message };
      }),
    );
  };
  try {
    const drained = await rawDrain(kinesis, streamName, {
      recordsPerShard,
      onBatch: async (batch) => {
        for (let start = 0; start < batch.length; start += JOBS_PER_MESSAGE) {
          const jobs: Job[] = [];
          for (const record of batch.slice(start, start + JOBS_PER_MESSAGE)) {
            const wrapper = parseWrapper(record.Data ?? new Uint8Array());
            const key = await keys.keyFor(wrapper.keyText, wrapper.key);
            jobs.push({ keyId: key.id, key: key.bytes, message: wrapper.databaseActivityEvents });
          }
          await send(jobs);
        }
      },
    });
    while (inFlight > 0 && !failure) await new Promise<void>((resolve) => answered.push(resolve));
    if (failure) throw failure;
    return { records: drained.records, events, seconds: (performance.now() - started) / 1000 };
  } finally {
    await worker.terminate();
  }
}
