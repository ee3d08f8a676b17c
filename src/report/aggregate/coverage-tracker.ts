import type { Coverage, InstanceCoverage, Span, StreamEvent } from '../report-data.js';
import { array, count, fail, object, text, time, timeOrNull, tuple } from './state-reader.js';

export interface CoverageBounds {
  instances: number;
  /** Stretches of signs kept per instance: past it, the two closest merge and the silence between is counted, not listed. */
  stretches: number;
}

/** One instance's signs of life (events and heartbeats) as stretches in which no silence was longer than the threshold. */
interface Track {
  clusterId: string;
  firstSeen: number | null;
  lastSeen: number | null;
  heartbeats: number;
  events: number;
  /** [start, end] of each stretch, in time order, flat: [s0, e0, s1, e1, …]; between two, a silence above the threshold. */
  stretches: number[];
  /** Silences merged away to keep the list bounded: not listed, still not covered. */
  unlistedMs: number;
}

export type CoverageState = { thresholdMs: number; instances: Array<[instanceId: string, track: unknown]>; left: number };

/**
 * Where each instance was silent. The stretches do not depend on the order signs arrive in (shards interleave, a
 * saved file may be in any order): each sign joins the stretch it is within the threshold of, or starts one, and
 * two stretches it bridges become one. Only when an instance has more stretches than the bound does order matter.
 */
export class CoverageTracker {
  readonly #tracks = new Map<string, Track>();
  /** Instances not tracked: past the bound. */
  #left = 0;

  constructor(
    readonly thresholdMs: number,
    readonly bounds: CoverageBounds,
  ) {}

  sign(instanceId: string, clusterId: string, at: number | null, heartbeat: boolean): void {
    let track = this.#tracks.get(instanceId);
    if (track === undefined) {
      if (this.#tracks.size >= this.bounds.instances) {
        this.#left++;
        return;
      }
      track = { clusterId, firstSeen: null, lastSeen: null, heartbeats: 0, events: 0, stretches: [], unlistedMs: 0 };
      this.#tracks.set(instanceId, track);
    }
    if (track.clusterId === '' && clusterId !== '') track.clusterId = clusterId;
    if (heartbeat) track.heartbeats++;
    else track.events++;
    if (at === null) return;
    if (track.firstSeen === null || at < track.firstSeen) track.firstSeen = at;
    if (track.lastSeen === null || at > track.lastSeen) track.lastSeen = at;
    this.#place(track, at);
  }

  #place(track: Track, at: number): void {
    const s = track.stretches;
    const limit = this.thresholdMs;
    const n = s.length;
    // The common case: a sign at or after the last stretch's start.
    if (n > 0 && at >= (s[n - 2] as number)) {
      const end = s[n - 1] as number;
      if (at <= end) return;
      if (at - end <= limit) s[n - 1] = at;
      else s.push(at, at);
    } else {
      // The last stretch starting at or before the sign (-1: none), by binary search over starts.
      let low = 0;
      let high = n / 2 - 1;
      let found = -1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        if ((s[mid * 2] as number) <= at) {
          found = mid;
          low = mid + 1;
        } else high = mid - 1;
      }
      const left = found >= 0 && at - (s[found * 2 + 1] as number) <= limit;
      if (found >= 0 && at <= (s[found * 2 + 1] as number)) return;
      const right = found + 1 < n / 2 && (s[(found + 1) * 2] as number) - at <= limit;
      if (left && right) s.splice(found * 2 + 1, 2);
      else if (left) s[found * 2 + 1] = at;
      else if (right) s[(found + 1) * 2] = at;
      else s.splice((found + 1) * 2, 0, at, at);
    }
    if (s.length / 2 > this.bounds.stretches) mergeClosest(track);
  }

  /** Coverage of the window [from, until) for the report. */
  build(
    from: number | null,
    until: number | null,
    streamEvents: StreamEvent[] | null,
  ): Pick<Coverage, 'instances' | 'coveredMs' | 'windowMs' | 'stopped'> & { heartbeats: number } {
    let heartbeats = 0;
    const placed = from !== null && until !== null && until > from;
    const stopped = placed && streamEvents ? stoppedSpans(streamEvents, from, until) : [];
    const instances: InstanceCoverage[] = [];
    let coveredMs = 0;
    for (const [instanceId, track] of [...this.#tracks].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      heartbeats += track.heartbeats;
      const gaps = placed ? silences(track.stretches, from, until, this.thresholdMs) : [];
      instances.push({
        instanceId,
        clusterId: track.clusterId,
        firstSeen: track.firstSeen,
        lastSeen: track.lastSeen,
        heartbeats: track.heartbeats,
        events: track.events,
        gaps,
      });
      if (placed) coveredMs += Math.max(0, until - from - unionLength([...gaps, ...stopped]) - track.unlistedMs);
    }
    const windowMs = placed ? (until - from) * Math.max(1, this.#tracks.size) : 0;
    return { instances, coveredMs, windowMs, stopped, heartbeats };
  }

  /** The first and last sign of any instance, for a window nothing else places. */
  signs(): { first: number | null; last: number | null } {
    let first: number | null = null;
    let last: number | null = null;
    for (const track of this.#tracks.values()) {
      if (track.firstSeen !== null && (first === null || track.firstSeen < first)) first = track.firstSeen;
      if (track.lastSeen !== null && (last === null || track.lastSeen > last)) last = track.lastSeen;
    }
    return { first, last };
  }

  toState(): CoverageState {
    return {
      thresholdMs: this.thresholdMs,
      instances: [...this.#tracks].map(([id, track]) => [
        id,
        [track.clusterId, track.firstSeen, track.lastSeen, track.heartbeats, track.events, [...track.stretches], track.unlistedMs],
      ]),
      left: this.#left,
    };
  }

  static fromState(value: unknown, bounds: CoverageBounds): CoverageTracker {
    const state = object(value, 'coverage');
    const threshold = count(state.thresholdMs, 'coverage.thresholdMs');
    const tracker = new CoverageTracker(threshold, bounds);
    tracker.#left = count(state.left, 'coverage.left');
    const instances = array(state.instances, 'coverage.instances');
    if (instances.length > bounds.instances) fail('coverage holds more instances than its bound');
    if (tracker.#left > 0 && instances.length < bounds.instances) fail('coverage left instances out while it had room');
    for (const [index, item] of instances.entries()) {
      const where = `coverage.instances[${index}]`;
      const [id, fields] = tuple(item, 2, where);
      const instanceId = text(id, `${where} id`);
      if (tracker.#tracks.has(instanceId)) fail(`${where} repeats an instance`);
      const [clusterId, firstSeen, lastSeen, heartbeats, events, stretches, unlistedMs] = tuple(fields, 7, where);
      const track: Track = {
        clusterId: text(clusterId, `${where} clusterId`),
        firstSeen: timeOrNull(firstSeen, `${where} firstSeen`),
        lastSeen: timeOrNull(lastSeen, `${where} lastSeen`),
        heartbeats: count(heartbeats, `${where} heartbeats`),
        events: count(events, `${where} events`),
        stretches: array(stretches, `${where} stretches`).map((at, n) => time(at, `${where} stretches[${n}]`)),
        unlistedMs: count(unlistedMs, `${where} unlistedMs`),
      };
      const s = track.stretches;
      if (s.length % 2 !== 0 || s.length / 2 > bounds.stretches) fail(`${where} stretches are not pairs within the bound`);
      for (let at = 0; at < s.length; at += 2) {
        if ((s[at] as number) > (s[at + 1] as number)) fail(`${where} has a stretch that ends before it starts`);
        if (at > 0 && (s[at] as number) - (s[at - 1] as number) <= threshold) fail(`${where} has stretches not a silence apart`);
      }
      if ((s.length === 0) !== (track.firstSeen === null) || (s.length > 0 && (s[0] !== track.firstSeen || s.at(-1) !== track.lastSeen)))
        fail(`${where}'s first and last signs are not its stretches' ends`);
      if (track.heartbeats + track.events === 0) fail(`${where} has no sign`);
      tracker.#tracks.set(instanceId, track);
    }
    return tracker;
  }
}

function mergeClosest(track: Track): void {
  const s = track.stretches;
  let best = -1;
  let shortest = Infinity;
  for (let at = 2; at < s.length; at += 2) {
    const silence = (s[at] as number) - (s[at - 1] as number);
    if (silence < shortest) {
      shortest = silence;
      best = at;
    }
  }
  if (best < 0) return;
  track.unlistedMs += shortest;
  s.splice(best - 1, 2);
}

/** The silences above the threshold within [from, until): around and between the stretches. */
function silences(stretches: readonly number[], from: number, until: number, threshold: number): Span[] {
  const gaps: Span[] = [];
  let quietSince = from;
  const close = (end: number) => {
    const stop = Math.min(end, until);
    if (stop - quietSince > threshold) gaps.push({ from: quietSince, until: stop });
  };
  for (let at = 0; at < stretches.length; at += 2) {
    const start = stretches[at] as number;
    const end = stretches[at + 1] as number;
    if (end < from) continue;
    if (start >= until) break;
    close(start);
    quietSince = Math.max(quietSince, end);
  }
  close(until);
  return gaps;
}

/** Stopped spans within [from, until): a stop until the next start (or the window's end); a first start, from the window's start. */
export function stoppedSpans(events: readonly StreamEvent[], from: number, until: number): Span[] {
  const spans: Span[] = [];
  let stoppedAt: number | null = null;
  let known = false;
  for (const event of [...events].sort((a, b) => a.time - b.time)) {
    if (event.kind === 'stopped') {
      if (stoppedAt === null) stoppedAt = event.time;
      known = true;
    } else if (event.kind === 'started') {
      const since = stoppedAt ?? (known ? null : from);
      if (since !== null) spans.push({ from: since, until: event.time });
      stoppedAt = null;
      known = true;
    }
  }
  if (stoppedAt !== null) spans.push({ from: stoppedAt, until });
  return spans.map((span) => ({ from: Math.max(span.from, from), until: Math.min(span.until, until) })).filter((span) => span.until > span.from);
}

/** The length of the spans' union. */
function unionLength(spans: readonly Span[]): number {
  let total = 0;
  let start = -Infinity;
  let end = -Infinity;
  for (const span of [...spans].sort((a, b) => a.from - b.from)) {
    if (span.from > end) {
      if (end > start) total += end - start;
      start = span.from;
      end = span.until;
    } else end = Math.max(end, span.until);
  }
  if (end > start) total += end - start;
  return total;
}
