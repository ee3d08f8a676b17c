import type { PayloadOpener } from './payload-opener.js';
import { ThreadPool } from './thread-pool.js';
import { ThreadGrowth, type GrowthOptions } from './thread-growth.js';

// Found when threads start, not when the module loads: a bundle that decrypts on its own thread (the Lambda's) has no such file.
const recordWorker = () => new URL('./record-worker.js', import.meta.url);

export interface WorkerOpener extends PayloadOpener {
  /** Threads started so far. */
  readonly threads: number;
}

export interface WorkerOpenerOptions extends GrowthOptions {
  keysPerThread?: number;
  /** A record's bound once inflated (--max-record-bytes). */
  maxRecordBytes?: number;
  /** The threads' module: a test's may die. */
  script?: URL;
}

/**
 * Opens records on up to `maxThreads` worker threads, so that decryption uses every core: a pool
 * of threads (thread-pool.ts), and apart the policy of when another starts (thread-growth.ts).
 */
export function workerOpener(maxThreads: number, options: WorkerOpenerOptions = {}): WorkerOpener {
  const { keysPerThread = 256, script = recordWorker(), maxRecordBytes, ...growth } = options;
  return new ThreadPool({ maxThreads, keysPerThread, script, maxRecordBytes }, new ThreadGrowth(growth));
}
