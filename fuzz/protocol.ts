// What the runner thread and its supervisor share. The runner writes each input into shared memory
// before running it, so that the supervisor still has it when the thread hangs or dies on it.

export const HEADER_INTS = 4;
/** The iteration being run, or -1 between two. */
export const IN_FLIGHT = 0;
/** Executions completed by this thread. */
export const COMPLETED = 1;
/** The input's length in the shared bytes, or -1 when it did not fit (then it came as a message). */
export const INPUT_LENGTH = 2;
/** The length of the delivery's JSON after the input's room. */
export const DELIVERY_LENGTH = 3;
export const INPUT_ROOM = 4 * 1024 * 1024;
export const DELIVERY_ROOM = 64 * 1024;
export const SHARED_BYTES = HEADER_INTS * 4 + INPUT_ROOM + DELIVERY_ROOM;

export interface RunnerData {
  targetModule: string;
  corpusDir: string;
  seed: number;
  firstIteration: number;
  /** How long to fuzz, counted from when the corpus is loaded (loading it, TypeScript and all, is not fuzzing). */
  budgetMs: number;
  maxExecutions: number;
  stopOnFinding: boolean;
  timeoutMs: number;
  shared: SharedArrayBuffer;
  /** Runs this input alone instead of mutations. */
  replay?: { bytes: Uint8Array; delivery: { gzip: boolean; chunks: number[] } };
}

export interface FindingReport {
  kind: 'crash' | 'invariant' | 'hang' | 'memory' | 'thread-exit';
  signature: string;
  message: string;
  stack?: string;
  iteration: number;
  description: string;
  bytes: Uint8Array;
  delivery: { gzip: boolean; chunks: number[] };
}

export type RunnerMessage =
  | { type: 'ready' }
  | { type: 'stats'; executions: number; outcomes: Record<string, number>; repeats: Record<string, number> }
  | { type: 'input'; iteration: number; bytes: Uint8Array; description: string }
  | { type: 'finding'; finding: FindingReport }
  | { type: 'done'; executions: number; outcomes: Record<string, number>; repeats: Record<string, number> };

/** A finding's kind and message with its numbers taken out: the same bug at another offset is one finding. */
export function signatureOf(kind: string, message: string): string {
  return `${kind}: ${message.replace(/\d+/g, '#').slice(0, 160)}`;
}
