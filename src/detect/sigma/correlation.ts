// A correlation rule at run time: its groups, each a window of remembered events, bounded and exportable as JSON.
import type { EventView } from '../event-view.js';
import { MAX_EVIDENCE, evidenceOf, findingUid, type Finding, type SeenEvent } from '../finding.js';
import type { CorrelationRule, CountCondition } from '../rule.js';

/** Groups a rule keeps at once; past it, one of the least recently added to is dropped (and counted): the one with the fewest events. */
export const MAX_GROUPS = 10_000;
/** How many of the least recently added-to groups an eviction looks at for the one with the fewest events: a bounded cost. */
const EVICTION_SCAN = 64;
/** Events a group remembers at once (ids and times; the events themselves only for the first MAX_EVIDENCE). */
export const MAX_GROUP_EVENTS = 1_001;

interface Entry {
  t: number;
  id: string;
  time: string;
  rules: number;
  value?: string;
  seen?: SeenEvent;
}

interface Group {
  values: string[];
  /** When the group's window opened: its first event's time (windows judged at their close). */
  start: number;
  /** Newest event time the group has seen. */
  newest: number;
  /** Every event counted in the window, remembered or not. */
  count: number;
  entries: Entry[];
}

/** Bounds with an upper side (lt, lte, eq) can only be judged once the window is over; gt and gte as soon as they hold. */
const judgedAtClose = (condition: CountCondition | undefined) =>
  condition !== undefined && (condition.lt !== undefined || condition.lte !== undefined || condition.eq !== undefined);

function holds(condition: CountCondition, count: number): boolean {
  return (
    (condition.gt === undefined || count > condition.gt) &&
    (condition.gte === undefined || count >= condition.gte) &&
    (condition.lt === undefined || count < condition.lt) &&
    (condition.lte === undefined || count <= condition.lte) &&
    (condition.eq === undefined || count === condition.eq)
  );
}

/**
 * Windows. A rule whose condition has only lower bounds (gt, gte; temporal's "all of them") slides: a group keeps the
 * events of the last timespan before its newest event, and fires the moment the condition holds. A rule with an upper
 * bound (lt, lte, eq) cannot know until the window is over: its group's window opens at its first event and is judged
 * once an event of any group is a timespan later. Either way a group fires once a burst: after it fires its window
 * starts again empty, and the next finding needs the whole condition met anew.
 */
export class CorrelationTracker {
  readonly groups = new Map<string, Group>();
  droppedGroups = 0;
  droppedEvents = 0;
  private readonly atClose: boolean;
  /** Its windows are judged when they close, so it needs every event's time. */
  get judgesAtClose(): boolean {
    return this.atClose;
  }
  private readonly allRules: number;

  constructor(readonly rule: CorrelationRule) {
    this.atClose = judgedAtClose(rule.condition);
    this.allRules = rule.rules.length >= 31 ? -1 : (1 << rule.rules.length) - 1;
  }

  /** An event that matched some of the rule's rules (`rules`, a bit for each); returns a finding when the condition is met. */
  add(view: EventView, seen: SeenEvent, t: number, time: string, rules: number): Finding | undefined {
    const first = Math.clz32(rules & -rules) ^ 31;
    const fields = this.rule.groupFields[first] ?? this.rule.groupBy;
    const values = fields.map((field) => view.fieldTexts(field).join(','));
    const key = values.join('\u0000');
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { values, start: t, newest: t, count: 0, entries: [] };
      this.groups.set(key, group);
      if (this.groups.size > MAX_GROUPS) this.dropOldestGroup();
    } else if (!this.atClose) {
      // Least recently added to goes last into the map's order, first out when the map is full.
      this.groups.delete(key);
      this.groups.set(key, group);
    }
    if (t < group.newest - this.rule.timespanMs) return undefined; // too late for its window
    group.newest = Math.max(group.newest, t);
    const entry: Entry = { t, id: seen.eventId, time, rules };
    if (this.rule.field !== undefined) {
      // An event without the field has no value to count (it still counts as evidence).
      const texts = view.fieldTexts(this.rule.field);
      if (texts.length > 0) entry.value = texts.join(',');
    }
    // Kept as shown: a redacted run's state (the Lambda's) carries no statement as sent.
    if (group.entries.filter((kept) => kept.seen !== undefined).length < MAX_EVIDENCE) entry.seen = evidenceOf(seen);
    group.count++;
    if (this.atClose) {
      if (group.entries.length < MAX_GROUP_EVENTS) group.entries.push(entry);
      else this.droppedEvents++;
      return undefined;
    }
    group.entries.push(entry);
    const cutoff = group.newest - this.rule.timespanMs;
    while ((group.entries[0]?.t ?? cutoff) < cutoff) group.entries.shift();
    if (group.entries.length > MAX_GROUP_EVENTS) {
      group.entries.shift();
      this.droppedEvents++;
    }
    group.count = group.entries.length;
    if (!this.met(group)) return undefined;
    this.groups.delete(key);
    return this.finding(group);
  }

  /** Windows judged at their close that `watermark` (the newest event time seen) has closed. */
  close(watermark: number): Finding[] {
    if (!this.atClose) return [];
    const findings: Finding[] = [];
    for (const [key, group] of this.groups) {
      if (group.start + this.rule.timespanMs > watermark) break; // opened in time order: the rest are younger
      this.groups.delete(key);
      if (this.met(group)) findings.push(this.finding(group));
    }
    return findings;
  }

  private met(group: Group): boolean {
    const { type, condition } = this.rule;
    switch (type) {
      case 'event_count':
        return holds(condition as CountCondition, group.count);
      case 'value_count':
        return holds(condition as CountCondition, new Set(group.entries.flatMap((entry) => (entry.value === undefined ? [] : [entry.value]))).size);
      case 'temporal': {
        let seen = 0;
        for (const entry of group.entries) seen |= entry.rules;
        return condition ? holds(condition, bitCount(seen)) : (seen & this.allRules) === this.allRules;
      }
      case 'temporal_ordered': {
        // The rules in their order, each by a later event than the one before.
        let step = 0;
        for (const entry of group.entries) if (step < this.rule.rules.length && entry.rules & (1 << step)) step++;
        return step === this.rule.rules.length;
      }
    }
  }

  private finding(group: Group): Finding {
    const { entries } = group;
    const evidence = entries.flatMap((entry) => (entry.seen ? [entry.seen] : [])).slice(0, MAX_EVIDENCE);
    return {
      rule: this.rule.summary,
      uid: findingUid(
        this.rule.summary.id,
        entries.map((entry) => entry.id),
        evidence[0]?.clusterId ?? evidence[0]?.instanceId ?? '',
      ),
      first: entries[0]?.time ?? '',
      last: entries[entries.length - 1]?.time ?? '',
      eventCount: group.count,
      evidence,
      group: Object.fromEntries(this.rule.groupBy.map((name, at) => [name, group.values[at] ?? ''])),
    };
  }

  /**
   * Past MAX_GROUPS: of the least recently added-to groups (the first EVICTION_SCAN), the one with the fewest events
   * goes, so a flood of one-event groups cannot push out a group a few events short of its threshold.
   */
  private dropOldestGroup(): void {
    let victim: string | undefined;
    let fewest = Infinity;
    let looked = 0;
    for (const [key, group] of this.groups) {
      if (group.count < fewest) {
        victim = key;
        fewest = group.count;
      }
      if (fewest <= 1 || ++looked >= EVICTION_SCAN) break;
    }
    if (victim !== undefined) this.groups.delete(victim);
    this.droppedGroups++;
  }

  /** The groups as JSON, those closest to firing first (then the newest): what exportState writes. */
  exportGroups(): Array<{ key: string; group: Group }> {
    return [...this.groups]
      .reverse()
      .map(([key, group]) => ({ key, group }))
      .sort((a, b) => stateOrder(a.group, b.group));
  }

  /** Takes groups back from exportGroups's JSON; anything not of its shape is dropped and counted. */
  importGroups(groups: unknown): void {
    if (!Array.isArray(groups)) return;
    // Closest to firing first in the JSON, last out of the map.
    for (const item of [...groups].reverse()) {
      const group = validGroup(item, this.rule.groupBy.length);
      if (!group) {
        this.droppedGroups++;
        continue;
      }
      this.groups.delete(group.key);
      this.groups.set(group.key, group.group);
      if (this.groups.size > MAX_GROUPS) this.dropOldestGroup();
    }
    if (this.atClose) {
      // close() reads windows in the order they opened.
      const opened = [...this.groups].sort(([, a], [, b]) => a.start - b.start);
      this.groups.clear();
      for (const [key, group] of opened) this.groups.set(key, group);
    }
  }
}

/**
 * Which groups a bounded state keeps first: those with the most events in their window (the closest to firing), then
 * the newest. A flood of one-event groups (failed logins from a thousand user and host pairs, each below every
 * threshold) then cannot push out a group a few events short of its threshold: the flood's groups are left out first.
 */
export function stateOrder(a: { count: number; newest: number }, b: { count: number; newest: number }): number {
  return b.count - a.count || b.newest - a.newest;
}

function bitCount(bits: number): number {
  let count = 0;
  for (let rest = bits >>> 0; rest !== 0; rest &= rest - 1) count++;
  return count;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function validGroup(item: unknown, width: number): { key: string; group: Group } | undefined {
  if (!isRecord(item) || typeof item.key !== 'string' || !isRecord(item.group)) return undefined;
  const { values, start, newest, count, entries } = item.group;
  if (!Array.isArray(values) || values.length !== width || !values.every((value) => typeof value === 'string')) return undefined;
  if (!isNumber(start) || !isNumber(newest) || !isNumber(count) || !Array.isArray(entries) || entries.length > MAX_GROUP_EVENTS) return undefined;
  const kept: Entry[] = [];
  for (const entry of entries) {
    if (!isRecord(entry) || !isNumber(entry.t) || typeof entry.id !== 'string' || typeof entry.time !== 'string' || !isNumber(entry.rules)) return undefined;
    if (entry.value !== undefined && typeof entry.value !== 'string') return undefined;
    const seen = entry.seen;
    if (seen !== undefined && !(isRecord(seen) && isRecord(seen.event) && typeof seen.eventId === 'string')) return undefined;
    kept.push({
      t: entry.t,
      id: entry.id,
      time: entry.time,
      rules: entry.rules,
      ...(entry.value !== undefined ? { value: entry.value } : {}),
      ...(seen !== undefined ? { seen: seen as unknown as SeenEvent } : {}),
    });
  }
  return { key: item.key, group: { values: values as string[], start, newest, count, entries: kept } };
}
