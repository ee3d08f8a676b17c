import { Worker } from 'node:worker_threads';
import type { DataKey } from './data-keys.js';
import { OpenerFailure, type PayloadOpener } from './payload-opener.js';
import type { OpenedRecord } from './activity-record.js';
import { BusyTime, type ThreadGrowth } from './thread-growth.js';

interface Job {
  id: number;
  keyId: string;
  key?: Uint8Array;
  message: Uint8Array<ArrayBuffer>;
}

interface Outcome {
  id: number;
  opened?: OpenedRecord;
  reason?: string;
}

interface Waiting {
  job: Job;
  /** The data key, sent along only to a thread that does not hold it yet. */
  key: Uint8Array;
  resolve(opened: OpenedRecord): void;
  reject(error: Error): void;
}

// Jobs go out in small messages and a thread holds two at most: one that falls behind
// (it shares its core with the main thread) is given less, and no batch waits on it.
const JOBS_PER_MESSAGE = 32;
const JOBS_PER_THREAD = 2 * JOBS_PER_MESSAGE;

class Thread {
  readonly worker: Worker;
  /** The keys this thread holds, in the order it took them. */
  readonly keys = new Set<string>();
  readonly inFlight = new Map<number, Waiting>();
  readonly busy = new BusyTime();

  constructor(
    readonly keysPerThread: number,
    script: URL,
    maxRecordBytes: number | undefined,
  ) {
    // A 16 MB young generation: decrypting a whole message at a time leaves little garbage, and
    // three times that (what the SDK's per-message streams needed) decoded no faster but held
    // 18 MB more at a long drain's peak. The measurements: docs/performance.md, and `npm run bench` for today's.
    this.worker = new Worker(script, { workerData: { keysPerThread, maxRecordBytes }, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
  }

  get inHand(): boolean {
    return this.inFlight.size > 0;
  }
}

export interface ThreadSpec {
  maxThreads: number;
  keysPerThread: number;
  script: URL;
  maxRecordBytes: number | undefined;
}

/**
 * Up to `maxThreads` worker threads that open records, each sent a data key the first time it
 * needs it; `growth` decides when another starts. KMS is still called once per data key, on this thread.
 */
export class ThreadPool implements PayloadOpener {
  private readonly running: Thread[] = [];
  private readonly queue: Waiting[] = [];
  private nextId = 0;
  private pumpScheduled = false;
  private broken: OpenerFailure | undefined;

  constructor(
    private readonly spec: ThreadSpec,
    private readonly growth: ThreadGrowth,
  ) {}

  /** Threads started so far. */
  get threads(): number {
    return this.running.length;
  }

  open(key: DataKey, message: Uint8Array): Promise<OpenedRecord> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      // A copy of its own, so that it moves to the thread instead of being cloned with all it is a view into.
      this.queue.push({ job: { id: this.nextId++, keyId: key.id, message: new Uint8Array(message) }, key: key.bytes, resolve, reject });
      if (!this.pumpScheduled) {
        this.pumpScheduled = true;
        queueMicrotask(this.pump);
      }
    });
  }

  async close(): Promise<void> {
    this.growth.stop();
    await Promise.all(
      this.running.map((thread) => {
        // An answer still on its way would pump, and unreference the thread: the process
        // could then end before the thread reports its own end.
        thread.worker.removeAllListeners('message');
        thread.worker.removeAllListeners('exit');
        thread.worker.ref();
        return thread.worker.terminate();
      }),
    );
  }

  private start(): Thread {
    const thread = new Thread(this.spec.keysPerThread, this.spec.script, this.spec.maxRecordBytes);
    thread.worker.on('message', (outcomes: Outcome[]) => {
      for (const outcome of outcomes) {
        const waiting = thread.inFlight.get(outcome.id);
        thread.inFlight.delete(outcome.id);
        if (outcome.opened) waiting?.resolve(outcome.opened);
        else waiting?.reject(new Error(outcome.reason ?? 'the record could not be opened'));
      }
      this.pump();
    });
    thread.worker.on('error', (error) => this.fail(new OpenerFailure(`a decryption thread failed: ${error.message}`, { cause: error })));
    thread.worker.on('exit', (code) => this.fail(new OpenerFailure(`a decryption thread stopped (exit code ${code})`)));
    this.running.push(thread);
    return thread;
  }

  private fail(error: OpenerFailure): void {
    this.broken ??= error;
    for (const waiting of [...this.queue.splice(0), ...this.running.flatMap((thread) => [...thread.inFlight.values()])]) waiting.reject(this.broken);
    for (const thread of this.running) thread.inFlight.clear();
  }

  /** Sends what waits to threads with room; bound, for the microtask, the timer and the threads' answers. */
  private readonly pump = (): void => {
    this.pumpScheduled = false;
    while (this.queue.length > 0 && !this.broken) {
      const thread = this.threadWithRoom();
      if (!thread) break;
      const jobs = this.queue.splice(0, JOBS_PER_MESSAGE).map((waiting) => send(thread, waiting));
      thread.worker.postMessage(
        jobs,
        jobs.map((job) => job.message.buffer),
      );
    }
    this.growth.track(this.running);
    // A thread with work keeps the process alive until it answers; an idle one does not.
    for (const thread of this.running) {
      if (thread.inHand) thread.worker.ref();
      else thread.worker.unref();
    }
  };

  private threadWithRoom(): Thread | undefined {
    const idlest = this.running.reduce<Thread | undefined>(
      (least, thread) => (!least || thread.inFlight.size < least.inFlight.size ? thread : least),
      undefined,
    );
    if (idlest && idlest.inFlight.size < JOBS_PER_THREAD) return idlest;
    if (this.running.length >= this.spec.maxThreads) return undefined;
    if (this.running.length === 0) return this.start();
    // Records are waiting and no thread has room: the policy says whether another starts.
    return this.growth.startAnother(this.running, this.pump) ? this.start() : undefined;
  }
}

function send(thread: Thread, waiting: Waiting): Job {
  const { job } = waiting;
  thread.inFlight.set(job.id, waiting);
  if (thread.keys.has(job.keyId)) return job;
  thread.keys.add(job.keyId);
  if (thread.keys.size > thread.keysPerThread) thread.keys.delete(thread.keys.values().next().value as string);
  return { ...job, key: waiting.key };
}
