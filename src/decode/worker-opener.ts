import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DataKey } from './data-keys.js';
import { OpenerFailure, type PayloadOpener } from './payload-opener.js';
import type { OpenedRecord } from './activity-record.js';

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
// Found when threads start, not when the module loads: a bundle that decrypts on its own thread (the Lambda's) has no such file.
const recordWorker = () => new URL('./record-worker.js', import.meta.url);
/** How long the threads running must stay busy, with records waiting, before another starts. */
const BACKLOG_MS = 2_000;
/**
 * Busy is having records in hand for this share of that time. A thread that decrypts
 * faster than the reader hands it records runs dry for moments between batches, even
 * through a backlog; following a quiet stream, it is idle most of the time.
 */
const BUSY_SHARE = 0.75;
/** The idle share of the machine's cores, over that time, that another thread needs to be worth starting. */
const SPARE_CORES = 0.25;

class Thread {
  readonly worker: Worker;
  /** The keys this thread holds, in the order it took them. */
  readonly keys = new Set<string>();
  readonly inFlight = new Map<number, Waiting>();
  /** Time with records in hand, since the current look began, and since when it has them now. */
  busyMs = 0;
  busySince: number | undefined;

  constructor(readonly keysPerThread: number, script: URL, maxRecordBytes: number | undefined) {
    // A 16 MB young generation: decrypting a whole message at a time leaves little garbage, and
    // three times that (what the SDK's per-message streams needed) decoded no faster but held
    // 18 MB more at a long drain's peak. The measurements: docs/performance.md, and `npm run bench` for today's.
    this.worker = new Worker(script, { workerData: { keysPerThread, maxRecordBytes }, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
  }
}

export interface WorkerOpener extends PayloadOpener {
  /** Threads started so far. */
  readonly threads: number;
}

export interface WorkerOpenerOptions {
  keysPerThread?: number;
  /** A record's bound once inflated (--max-record-bytes). */
  maxRecordBytes?: number;
  backlogMs?: number;
  now?: () => number;
  /** Milliseconds the machine's cores have spent idle, added up: another thread needs one idle. */
  idleCoreMs?: () => number;
  /** The threads' module: a test's may die. */
  script?: URL;
}

/**
 * Opens records on up to `maxThreads` worker threads, so that decryption uses every
 * core. Another thread starts only once those running have stayed busy for a while with
 * records waiting, and a core sat idle meanwhile: following a quiet cluster, writing to a
 * slow consumer, or sharing the machine with a busy process takes one thread and its
 * memory, and catching up on a machine of its own takes them all. KMS is still called once per
 * data key, on this thread; a thread is sent a key the first time it needs it.
 */
export function workerOpener(maxThreads: number, options: WorkerOpenerOptions = {}): WorkerOpener {
  const { keysPerThread = 256, backlogMs = BACKLOG_MS, now = () => performance.now(), idleCoreMs = machineIdleMs, script = recordWorker(), maxRecordBytes } = options;
  const threads: Thread[] = [];
  const queue: Waiting[] = [];
  let nextId = 0;
  let pumpScheduled = false;
  let broken: OpenerFailure | undefined;
  /** Since when the threads' busy time is being added up, and the machine's idle time then. */
  let look: { since: number; idleMs: number } | undefined;
  let recheck: NodeJS.Timeout | undefined;

  function start(): Thread {
    const thread = new Thread(keysPerThread, script, maxRecordBytes);
    thread.worker.on('message', (outcomes: Outcome[]) => {
      for (const outcome of outcomes) {
        const waiting = thread.inFlight.get(outcome.id);
        thread.inFlight.delete(outcome.id);
        if (outcome.opened) waiting?.resolve(outcome.opened);
        else waiting?.reject(new Error(outcome.reason ?? 'the record could not be opened'));
      }
      pump();
    });
    thread.worker.on('error', (error) => fail(new OpenerFailure(`a decryption thread failed: ${error.message}`, { cause: error })));
    thread.worker.on('exit', (code) => fail(new OpenerFailure(`a decryption thread stopped (exit code ${code})`)));
    threads.push(thread);
    return thread;
  }

  function fail(error: OpenerFailure): void {
    broken ??= error;
    for (const waiting of [...queue.splice(0), ...threads.flatMap((thread) => [...thread.inFlight.values()])]) waiting.reject(broken);
    for (const thread of threads) thread.inFlight.clear();
  }

  function pump(): void {
    pumpScheduled = false;
    while (queue.length > 0 && !broken) {
      const thread = threadWithRoom();
      if (!thread) break;
      const jobs = queue.splice(0, JOBS_PER_MESSAGE).map((waiting) => send(thread, waiting));
      thread.worker.postMessage(jobs, jobs.map((job) => job.message.buffer));
    }
    const at = now();
    for (const thread of threads) {
      if (thread.inFlight.size > 0) thread.busySince ??= at;
      else if (thread.busySince !== undefined) {
        thread.busyMs += at - thread.busySince;
        thread.busySince = undefined;
      }
    }
    // A thread with work keeps the process alive until it answers; an idle one does not.
    for (const thread of threads) {
      if (thread.inFlight.size > 0) thread.worker.ref();
      else thread.worker.unref();
    }
  }

  function threadWithRoom(): Thread | undefined {
    const idlest = threads.reduce<Thread | undefined>((least, thread) => (!least || thread.inFlight.size < least.inFlight.size ? thread : least), undefined);
    if (idlest && idlest.inFlight.size < JOBS_PER_THREAD) return idlest;
    if (threads.length >= maxThreads) return undefined;
    if (threads.length === 0) return start();
    // Records are waiting and no thread has room: were they all busy for a while?
    const at = now();
    look ??= beginLook(at);
    const elapsed = at - look.since;
    if (elapsed >= backlogMs) {
      const busiest = Math.min(...threads.map((thread) => thread.busyMs + (thread.busySince === undefined ? 0 : at - thread.busySince)));
      const spare = (idleCoreMs() - look.idleMs) / elapsed;
      // Busy threads on a machine with no idle core (another process has it) would only
      // take turns with each other: look again after another while. Unknown (NaN) counts as idle.
      look = beginLook(at);
      if (busiest >= BUSY_SHARE * elapsed && !(spare < SPARE_CORES)) return start();
    }
    // Nothing may come back before then to look again: a timer does.
    recheck ??= setTimeout(() => {
      recheck = undefined;
      pump();
    }, backlogMs).unref();
    return undefined;
  }

  function beginLook(at: number): { since: number; idleMs: number } {
    for (const thread of threads) {
      thread.busyMs = 0;
      if (thread.busySince !== undefined) thread.busySince = at;
    }
    return { since: at, idleMs: idleCoreMs() };
  }

  function send(thread: Thread, waiting: Waiting): Job {
    const { job } = waiting;
    thread.inFlight.set(job.id, waiting);
    if (thread.keys.has(job.keyId)) return job;
    thread.keys.add(job.keyId);
    if (thread.keys.size > thread.keysPerThread) thread.keys.delete(thread.keys.values().next().value as string);
    return { ...job, key: waiting.key };
  }

  return {
    get threads() {
      return threads.length;
    },
    open(key: DataKey, message: Uint8Array): Promise<OpenedRecord> {
      if (broken) return Promise.reject(broken);
      return new Promise((resolve, reject) => {
        // A copy of its own, so that it moves to the thread instead of being cloned with all it is a view into.
        queue.push({ job: { id: nextId++, keyId: key.id, message: new Uint8Array(message) }, key: key.bytes, resolve, reject });
        if (!pumpScheduled) {
          pumpScheduled = true;
          queueMicrotask(pump);
        }
      });
    },
    async close() {
      clearTimeout(recheck);
      await Promise.all(
        threads.map((thread) => {
          // An answer still on its way would pump, and unreference the thread: the process
          // could then end before the thread reports its own end.
          thread.worker.removeAllListeners('message');
          thread.worker.removeAllListeners('exit');
          thread.worker.ref();
          return thread.worker.terminate();
        }),
      );
    },
  };
}

/** NaN where the platform does not tell. */
function machineIdleMs(): number {
  const all = cpus();
  return all.length === 0 ? NaN : all.reduce((sum, cpu) => sum + cpu.times.idle, 0);
}
