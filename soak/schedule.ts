import { shuffled } from './random.js';

export const FAULT_KINDS = ['throttle', 'expired-iterator', 'kms', 'reshard', 'pause', 'kill'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Episode {
  /** From the start of production. */
  atMs: number;
  kind: FaultKind;
}

/** Rounds of every kind: two at least, one more for each further two minutes. */
export function roundsFor(minutes: number): number {
  return Math.max(2, Math.round(minutes / 2));
}

/**
 * When each fault strikes: `rounds` rounds, each every kind once in a shuffled order, spread
 * evenly over the window with jitter, so every kind comes several times and in many orders.
 */
export function faultSchedule(random: () => number, window: { fromMs: number; toMs: number }, rounds: number): Episode[] {
  const kinds = Array.from({ length: rounds }, () => shuffled(random, FAULT_KINDS)).flat();
  const spacing = (window.toMs - window.fromMs) / kinds.length;
  return kinds.map((kind, index) => ({ kind, atMs: Math.round(window.fromMs + spacing * (index + 0.2 + 0.6 * random())) }));
}
