import { cpus } from 'node:os';

/** How long the threads running must stay busy, with records waiting, before another starts. */
export const BACKLOG_MS = 2_000;
/**
 * Busy is having records in hand for this share of that time. A thread that decrypts
 * faster than the reader hands it records runs dry for moments between batches, even
 * through a backlog; following a quiet stream, it is idle most of the time.
 */
const BUSY_SHARE = 0.75;
/** The idle share of the machine's cores, over that time, that another thread needs to be worth starting. */
const SPARE_CORES = 0.25;

/** A thread's time with records in hand, since the current look began. */
export class BusyTime {
  private ms = 0;
  /** Since when it has records in hand now. */
  private since: number | undefined;

  /** After each round of sending: whether the thread has records in hand at `at`. */
  mark(inHand: boolean, at: number): void {
    if (inHand) this.since ??= at;
    else if (this.since !== undefined) {
      this.ms += at - this.since;
      this.since = undefined;
    }
  }

  /** A new look: the time counted so far is dropped. */
  restart(at: number): void {
    this.ms = 0;
    if (this.since !== undefined) this.since = at;
  }

  /** Busy milliseconds of the current look, up to `at`. */
  upTo(at: number): number {
    return this.ms + (this.since === undefined ? 0 : at - this.since);
  }
}

export interface GrowthOptions {
  backlogMs?: number;
  now?: () => number;
  /** Milliseconds the machine's cores have spent idle, added up: another thread needs one idle. */
  idleCoreMs?: () => number;
}

/**
 * When another decryption thread starts: once those running have stayed busy for a while with
 * records waiting, and a core sat idle meanwhile. Following a quiet cluster, writing to a slow
 * consumer, or sharing the machine with a busy process takes one thread and its memory; catching
 * up on a machine of its own takes them all.
 */
export class ThreadGrowth {
  readonly now: () => number;
  private readonly backlogMs: number;
  private readonly idleCoreMs: () => number;
  /** Since when the threads' busy time is being added up, and the machine's idle time then. */
  private look: { since: number; idleMs: number } | undefined;
  private recheck: NodeJS.Timeout | undefined;

  constructor(options: GrowthOptions = {}) {
    this.backlogMs = options.backlogMs ?? BACKLOG_MS;
    this.now = options.now ?? (() => performance.now());
    this.idleCoreMs = options.idleCoreMs ?? machineIdleMs;
  }

  /** After each round of sending: which threads have records in hand. */
  track(threads: readonly { busy: BusyTime; inHand: boolean }[]): void {
    const at = this.now();
    for (const thread of threads) thread.busy.mark(thread.inHand, at);
  }

  /**
   * Records are waiting and no running thread has room: whether to start another now. When not,
   * `lookAgain` is called once it is time to ask again, since nothing may come back before then.
   */
  startAnother(threads: readonly { busy: BusyTime }[], lookAgain: () => void): boolean {
    const at = this.now();
    this.look ??= this.beginLook(threads, at);
    const elapsed = at - this.look.since;
    if (elapsed >= this.backlogMs) {
      const busiest = Math.min(...threads.map((thread) => thread.busy.upTo(at)));
      const spare = (this.idleCoreMs() - this.look.idleMs) / elapsed;
      // Busy threads on a machine with no idle core (another process has it) would only
      // take turns with each other: look again after another while. Unknown (NaN) counts as idle.
      this.look = this.beginLook(threads, at);
      if (busiest >= BUSY_SHARE * elapsed && !(spare < SPARE_CORES)) return true;
    }
    this.recheck ??= setTimeout(() => {
      this.recheck = undefined;
      lookAgain();
    }, this.backlogMs).unref();
    return false;
  }

  /** No more looks: the timer, if any, is cleared. */
  stop(): void {
    clearTimeout(this.recheck);
  }

  private beginLook(threads: readonly { busy: BusyTime }[], at: number): { since: number; idleMs: number } {
    for (const thread of threads) thread.busy.restart(at);
    return { since: at, idleMs: this.idleCoreMs() };
  }
}

/** NaN where the platform does not tell. */
function machineIdleMs(): number {
  const all = cpus();
  return all.length === 0 ? NaN : all.reduce((sum, cpu) => sum + cpu.times.idle, 0);
}
