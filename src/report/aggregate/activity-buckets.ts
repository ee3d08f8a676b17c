import type { Activity } from '../report-data.js';
import { array, count, fail, object, positive, text, time, tuple } from './state-reader.js';

const SECONDS = 10_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/**
 * Bucket sizes: each divides the next, so buckets merge exactly. Past 28 days (a span no DAS stream keeps), doubling.
 * Ten seconds first: a window of minutes (an incident, the lab) still draws as a line, not a block.
 */
const LADDER = [SECONDS, MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 6 * HOUR, DAY, 7 * DAY, 28 * DAY];
/** The next size up. */
export function coarser(size: number): number {
  const at = LADDER.indexOf(size);
  return at >= 0 && at < LADDER.length - 1 ? (LADDER[at + 1] as number) : size * 2;
}
const isSize = (size: number) => LADDER.includes(size) || (size > 28 * DAY && Number.isInteger(Math.log2(size / (28 * DAY))));

/** Label for events with no class, as --summary writes it. */
export const NO_CLASS = '-';
/** Classes past the bound, summed: class is a field a database client cannot set, but a saved file's line can. */
export const OTHER_CLASSES = '(other classes)';

interface Bucket {
  classes: Map<string, number>;
  users: Map<string, number>;
  /** Events of users this bucket had no room to name. */
  others: number;
}

export interface ActivityBounds {
  /** Buckets kept while reading: past it, all become the next size up. */
  buckets: number;
  /** Buckets the chart shows at most. */
  chartBuckets: number;
  classes: number;
  /** Users named in each bucket (the first ones to come); the rest are summed. */
  bucketUsers: number;
}

export type ActivityState = {
  size: number;
  untimed: number;
  classes: string[];
  buckets: Array<[start: number, classes: Array<[string, number]>, users: Array<[string, number]>, others: number]>;
};

/**
 * Events over time in memory bounded whatever the span: per ten seconds while there are at most `bounds.buckets` buckets,
 * then coarser. Totals stay exact: every timed event is in one bucket's class counts, and once more in its users or others.
 */
export class ActivityBuckets {
  #size = SECONDS;
  #untimed = 0;
  readonly #buckets = new Map<number, Bucket>();
  readonly #classes = new Set<string>();

  constructor(readonly bounds: ActivityBounds) {}

  add(at: number | null, klass: string, user: string): void {
    if (at === null) {
      this.#untimed++;
      return;
    }
    const start = Math.floor(at / this.#size) * this.#size;
    let bucket = this.#buckets.get(start);
    if (bucket === undefined) {
      bucket = { classes: new Map(), users: new Map(), others: 0 };
      this.#buckets.set(start, bucket);
      if (this.#buckets.size > this.bounds.buckets) {
        this.#coarsen();
        bucket = this.#buckets.get(Math.floor(at / this.#size) * this.#size) as Bucket;
      }
    }
    const named = this.#classes.has(klass) || (this.#classes.size < this.bounds.classes && this.#classes.add(klass)) ? klass : OTHER_CLASSES;
    bucket.classes.set(named, (bucket.classes.get(named) ?? 0) + 1);
    const users = bucket.users.get(user);
    if (users !== undefined) bucket.users.set(user, users + 1);
    else if (bucket.users.size < this.bounds.bucketUsers) bucket.users.set(user, 1);
    else bucket.others++;
  }

  #coarsen(): void {
    while (this.#buckets.size > this.bounds.buckets) {
      const size = coarser(this.#size);
      const merged = new Map<number, Bucket>();
      for (const [start, bucket] of [...this.#buckets].sort((a, b) => a[0] - b[0])) {
        const into = Math.floor(start / size) * size;
        const target = merged.get(into);
        if (target === undefined) merged.set(into, bucket);
        else mergeInto(target, bucket, this.bounds.bucketUsers);
      }
      this.#buckets.clear();
      for (const [start, bucket] of merged) this.#buckets.set(start, bucket);
      this.#size = size;
    }
  }

  /** The chart: buckets of the smallest size that shows `span` in at most chartBuckets, from the first timed event's to the last's. */
  build(first: number | null, last: number | null, span: number, topUsers: readonly string[]): Activity {
    let size = this.#size;
    while (Math.ceil(span / size) > this.bounds.chartBuckets) size = coarser(size);
    const activity: Activity = { bucketMs: size, buckets: [], byClass: {}, byUser: {}, byUserOther: [], untimed: this.#untimed };
    if (first === null || last === null || this.#buckets.size === 0) return activity;
    const from = Math.floor(first / size) * size;
    const length = Math.floor(last / size) - Math.floor(first / size) + 1;
    activity.buckets = Array.from({ length }, (_, index) => from + index * size);
    const byClass = new Map<string, number[]>();
    const byUser = new Map(topUsers.map((user) => [user, new Array<number>(length).fill(0)]));
    const other = new Array<number>(length).fill(0);
    for (const [start, bucket] of this.#buckets) {
      const index = (Math.floor(start / size) * size - from) / size;
      if (index < 0 || index >= length) continue;
      let total = 0;
      for (const [klass, n] of bucket.classes) {
        let row = byClass.get(klass);
        if (!row) byClass.set(klass, (row = new Array<number>(length).fill(0)));
        row[index] = (row[index] as number) + n;
        total += n;
      }
      let named = 0;
      for (const [user, n] of bucket.users) {
        const row = byUser.get(user);
        if (row) {
          row[index] = (row[index] as number) + n;
          named += n;
        }
      }
      other[index] = (other[index] as number) + total - named;
    }
    const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    activity.byClass = Object.fromEntries([...byClass].sort((a, b) => order(a[0], b[0])));
    activity.byUser = Object.fromEntries(byUser);
    activity.byUserOther = other;
    return activity;
  }

  toState(): ActivityState {
    return {
      size: this.#size,
      untimed: this.#untimed,
      classes: [...this.#classes],
      buckets: [...this.#buckets].map(([start, bucket]) => [start, [...bucket.classes], [...bucket.users], bucket.others]),
    };
  }

  static fromState(value: unknown, bounds: ActivityBounds): ActivityBuckets {
    const state = object(value, 'activity');
    const activity = new ActivityBuckets(bounds);
    activity.#size = positive(state.size, 'activity.size');
    if (!isSize(activity.#size)) fail('activity.size is not a bucket size');
    activity.#untimed = count(state.untimed, 'activity.untimed');
    for (const [index, name] of array(state.classes, 'activity.classes').entries()) activity.#classes.add(text(name, `activity.classes[${index}]`));
    if (activity.#classes.size > bounds.classes) fail('activity.classes holds more classes than its bound');
    const buckets = array(state.buckets, 'activity.buckets');
    if (buckets.length > bounds.buckets) fail('activity.buckets holds more buckets than its bound');
    for (const [index, item] of buckets.entries()) {
      const where = `activity.buckets[${index}]`;
      const [start, classes, users, others] = tuple(item, 4, where);
      const at = time(start, `${where} start`);
      if (at % activity.#size !== 0 || activity.#buckets.has(at)) fail(`${where} does not start a bucket of its own`);
      const bucket: Bucket = {
        classes: counts(classes, `${where} classes`),
        users: counts(users, `${where} users`),
        others: count(others, `${where} others`),
      };
      for (const klass of bucket.classes.keys()) if (klass !== OTHER_CLASSES && !activity.#classes.has(klass)) fail(`${where} counts a class not named`);
      if (bucket.users.size > bounds.bucketUsers) fail(`${where} names more users than its bound`);
      let total = 0;
      for (const n of bucket.classes.values()) total += n;
      let named = bucket.others;
      for (const n of bucket.users.values()) named += n;
      if (total !== named || total === 0) fail(`${where}'s users and classes do not count the same events`);
      activity.#buckets.set(at, bucket);
    }
    return activity;
  }

  /** Whether the buckets lie from first's to last's, with one at each end: what adding events from first to last leaves. */
  spans(first: number, last: number): boolean {
    const from = Math.floor(first / this.#size) * this.#size;
    const to = Math.floor(last / this.#size) * this.#size;
    if (!this.#buckets.has(from) || !this.#buckets.has(to)) return false;
    for (const start of this.#buckets.keys()) if (start < from || start > to) return false;
    return true;
  }

  /** Events placed in a bucket, and those that could not be placed. */
  totals(): { timed: number; untimed: number } {
    let timed = 0;
    for (const bucket of this.#buckets.values()) for (const n of bucket.classes.values()) timed += n;
    return { timed, untimed: this.#untimed };
  }
}

function counts(value: unknown, where: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const [index, item] of array(value, where).entries()) {
    const [name, n] = tuple(item, 2, `${where}[${index}]`);
    const key = text(name, `${where}[${index}] name`);
    if (map.has(key)) fail(`${where} names ${JSON.stringify(key.slice(0, 40))} twice`);
    map.set(key, positive(n, `${where}[${index}] count`));
  }
  return map;
}

function mergeInto(target: Bucket, bucket: Bucket, bucketUsers: number): void {
  for (const [klass, n] of bucket.classes) target.classes.set(klass, (target.classes.get(klass) ?? 0) + n);
  for (const [user, n] of bucket.users) target.users.set(user, (target.users.get(user) ?? 0) + n);
  target.others += bucket.others;
  if (target.users.size <= bucketUsers) return;
  // The busiest stay named (ties by name): deterministic whatever order the buckets merged in.
  const ranked = [...target.users].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  target.users = new Map(ranked.slice(0, bucketUsers));
  for (const [, n] of ranked.slice(bucketUsers)) target.others += n;
}
