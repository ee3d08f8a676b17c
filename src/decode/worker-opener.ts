import { Worker } from 'node:worker_threads';
import type { DataKey } from './data-keys.js';
import type { PayloadOpener } from './payload-opener.js';
import { payloadRefused } from './payload.js';
import { notGzip } from './gunzip.js';

interface Job {
  id: number;
  keyId: string;
  key?: Uint8Array;
  message: Uint8Array;
}

interface Outcome {
  id: number;
  text?: string;
  step?: 'decrypt' | 'gunzip';
  detail?: string;
}

/** As many as the worker keeps: both forget the oldest key first, so this mirrors what it holds. */
const KEYS_PER_THREAD = 256;

class Thread {
  readonly worker = new Worker(new URL('./decrypt-worker.js', import.meta.url));
  readonly keys = new Set<string>();
  queued: Job[] = [];
  inFlight = 0;
}

/**
 * Opens payloads on worker threads, so decryption uses every core. Jobs made in the
 * same turn of the event loop go to a thread in one message. A thread is sent a data
 * key the first time it needs it; KMS is still called once per key, on this thread.
 */
export function workerOpener(threadCount: number): PayloadOpener {
  const threads = Array.from({ length: threadCount }, () => new Thread());
  const waiting = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  let nextId = 0;
  let flushScheduled = false;
  let broken: Error | undefined;

  for (const thread of threads) {
    thread.worker.on('message', (outcomes: Outcome[]) => {
      thread.inFlight -= outcomes.length;
      for (const outcome of outcomes) {
        const waiter = waiting.get(outcome.id);
        waiting.delete(outcome.id);
        if (outcome.text !== undefined) waiter?.resolve(outcome.text);
        else waiter?.reject(new Error(outcome.step === 'gunzip' ? notGzip(outcome.detail ?? '') : payloadRefused(outcome.detail ?? '')));
      }
    });
    thread.worker.on('error', (error) => {
      broken = error;
      for (const waiter of waiting.values()) waiter.reject(error);
      waiting.clear();
    });
  }

  const flush = () => {
    flushScheduled = false;
    for (const thread of threads) {
      if (thread.queued.length === 0) continue;
      thread.inFlight += thread.queued.length;
      thread.worker.postMessage(thread.queued);
      thread.queued = [];
    }
  };

  return {
    open(key: DataKey, message: Uint8Array): Promise<string> {
      if (broken) return Promise.reject(broken);
      const thread = threads.reduce((least, candidate) =>
        candidate.inFlight + candidate.queued.length < least.inFlight + least.queued.length ? candidate : least,
      );
      const job: Job = { id: nextId++, keyId: key.id, message };
      if (!thread.keys.has(key.id)) {
        job.key = new Uint8Array(key.bytes);
        thread.keys.add(key.id);
        if (thread.keys.size > KEYS_PER_THREAD) thread.keys.delete(thread.keys.values().next().value as string);
      }
      thread.queued.push(job);
      if (!flushScheduled) {
        flushScheduled = true;
        queueMicrotask(flush);
      }
      return new Promise((resolve, reject) => waiting.set(job.id, { resolve, reject }));
    },
    async close() {
      await Promise.all(threads.map((thread) => thread.worker.terminate()));
    },
  };
}
