import { readFileSync } from 'node:fs';

export interface RssSample {
  /** From the start of production. */
  atMs: number;
  kb: number;
  pid: number;
  /** How long that das-read had been running. */
  ageMs: number;
}

/** VmRSS of a process, in kB; undefined once it is gone. */
export function vmRssKb(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb);
  } catch {
    return undefined;
  }
}

/** Samples the running das-read's RSS every `everyMs`, whichever process it is by then. */
export function sampleRss(
  current: () => { pid: number; startedAtMs: number } | undefined,
  now: () => number,
  everyMs: number,
): { samples: RssSample[]; stop(): void } {
  const samples: RssSample[] = [];
  const timer = setInterval(() => {
    const running = current();
    const kb = running && vmRssKb(running.pid);
    if (running && kb) samples.push({ atMs: now(), kb, pid: running.pid, ageMs: now() - running.startedAtMs });
  }, everyMs);
  return { samples, stop: () => clearInterval(timer) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface RssVerdict {
  samples: number;
  /** Samples of a das-read younger than the warm-up, left out of the thirds. */
  warmingUp: number;
  minMb: number;
  peakMb: number;
  firstThirdMb: number;
  middleThirdMb: number;
  lastThirdMb: number;
  /** The last third's median over the middle third's. */
  ratio: number;
  /** Whether the middle and last thirds each held enough samples of a settled das-read to compare. */
  judged: boolean;
  ok: boolean;
}

/** Fewer samples than this in a third (kills close together) compare nothing. */
const MIN_SAMPLES = 3;
/**
 * In a shorter run every das-read is young: between kills a minute apart it is still growing to its
 * level (a two-minute run measured 98 / 104 / 114 MB by third where twenty minutes were flat at 100).
 */
const SHORTEST_JUDGED_RUN_MS = 10 * 60_000;

/**
 * The level criterion: the median of the last third of the run within 10% of the middle
 * third's. A kill starts a fresh process, whose first seconds are its start-up, not its level:
 * samples of a das-read younger than `warmUpMs` are left out. Growth is what fails; a level
 * that falls is reported, not failed; a run under ten minutes, or thirds with too few samples, are not judged.
 */
export function rssVerdict(
  samples: RssSample[],
  window: { fromMs: number; toMs: number },
  criteria: { warmUpMs: number; shortestRunMs?: number; tolerance?: number },
): RssVerdict {
  const { warmUpMs, shortestRunMs = SHORTEST_JUDGED_RUN_MS, tolerance = 0.1 } = criteria;
  const inWindow = samples.filter((sample) => sample.atMs >= window.fromMs && sample.atMs <= window.toMs);
  const settled = inWindow.filter((sample) => sample.ageMs >= warmUpMs);
  const third = (window.toMs - window.fromMs) / 3;
  const thirds = [0, 1, 2].map((index) =>
    settled.filter((sample) => Math.min(2, Math.floor((sample.atMs - window.fromMs) / third)) === index).map((sample) => sample.kb / 1024),
  );
  const [firstThirdMb, middleThirdMb, lastThirdMb] = thirds.map(median) as [number, number, number];
  const judged = window.toMs - window.fromMs >= shortestRunMs && (thirds[1]?.length ?? 0) >= MIN_SAMPLES && (thirds[2]?.length ?? 0) >= MIN_SAMPLES;
  const ratio = lastThirdMb / middleThirdMb;
  const mbs = inWindow.map((sample) => sample.kb / 1024);
  return {
    samples: inWindow.length,
    warmingUp: inWindow.length - settled.length,
    minMb: Math.min(...mbs),
    peakMb: Math.max(...mbs),
    firstThirdMb,
    middleThirdMb,
    lastThirdMb,
    ratio,
    judged,
    ok: !judged || ratio <= 1 + tolerance,
  };
}
