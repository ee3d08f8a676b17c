// Runs compiled rules over events as they come: single-event rules at once, correlation rules as their windows fill.
import { parseDasInstant } from '../events/das-time.js';
import { EventView } from './event-view.js';
import { eventTimeText, evidenceOf, findingUid, type Finding, type SeenEvent } from './finding.js';
import type { CorrelationRule, EventRule, Rule } from './rule.js';
import { CorrelationTracker, stateOrder } from './sigma/correlation.js';

export interface Detector {
  /** Findings this event completes (single-event rules at once; a correlation when its condition is first met in a window). */
  observe(seen: SeenEvent): Finding[];
  /** At the end of the input: findings still pending (if any rule keeps some). */
  end(): Finding[];
  /** Correlation state as plain JSON, bounded (the Lambda keeps it under 1 MB across invocations); importState takes it back. */
  exportState(): unknown;
  importState(state: unknown): void;
  /** What the bounds cost so far: groups and remembered events dropped, events without a time correlations could not place. */
  readonly stats: DetectorStats;
}

export interface DetectorStats {
  droppedGroups: number;
  droppedEvents: number;
  untimedEvents: number;
  /** Groups the last exportState left out to stay within its bound (the farthest from firing, then the oldest). */
  groupsLeftOutOfState: number;
}

export interface DetectorOptions {
  /** exportState's bound on its JSON, in UTF-16 code units (close to bytes for the ASCII events mostly are); the groups closest to firing are kept. */
  maxStateBytes?: number;
}

/** Under the Lambda's 1 MB of tumbling-window state, with room for the rest of its response. */
export const MAX_STATE_BYTES = 900_000;
const STATE_VERSION = 1;
const NO_FINDINGS: Finding[] = [];

export function createDetector(rules: readonly Rule[], options: DetectorOptions = {}): Detector {
  const maxStateBytes = options.maxStateBytes ?? MAX_STATE_BYTES;
  const correlations = rules.filter((rule): rule is CorrelationRule => rule.kind === 'correlation');
  // Every single-event rule, each run once an event, whether it reports or feeds correlations.
  const eventRules = [...new Set([...rules.filter((rule): rule is EventRule => rule.kind === 'event'), ...correlations.flatMap((rule) => rule.rules)])];
  // Sigma's `generate: false` (the default): a rule a correlation names makes no findings of its own.
  const silent = new Set<EventRule>();
  for (const correlation of correlations) if (!correlation.generate) for (const rule of correlation.rules) silent.add(rule);
  for (const correlation of correlations) if (correlation.generate) for (const rule of correlation.rules) silent.delete(rule);
  const listed = new Set(rules);
  const reports = eventRules.map((rule) => listed.has(rule) && !silent.has(rule));
  const trackers = correlations.map((rule) => new CorrelationTracker(rule));
  // For each tracker, which of eventRules are its rules (by their index there) and the bit each one gets.
  const wiring = trackers.map((tracker) => tracker.rule.rules.map((rule) => eventRules.indexOf(rule)));
  const matched = new Uint8Array(eventRules.length);
  const correlated = eventRules.map((rule) => correlations.some((correlation) => correlation.rules.includes(rule)));
  const judging = trackers.some((tracker) => tracker.judgesAtClose);
  const view = new EventView();
  const stats: DetectorStats = { droppedGroups: 0, droppedEvents: 0, untimedEvents: 0, groupsLeftOutOfState: 0 };
  let watermark = -Infinity;

  const refreshStats = () => {
    stats.droppedGroups = trackers.reduce((sum, tracker) => sum + tracker.droppedGroups, 0);
    stats.droppedEvents = trackers.reduce((sum, tracker) => sum + tracker.droppedEvents, 0);
  };

  return {
    stats,
    observe(seen) {
      // Heartbeats say the stream is alive; no rule is about them.
      if (seen.event.type !== 'record') return NO_FINDINGS;
      view.reset(seen.event);
      let findings = NO_FINDINGS;
      // Whether a rule some correlation names matched.
      let any = false;
      for (let at = 0; at < eventRules.length; at++) {
        const rule = eventRules[at] as EventRule;
        const hit = (rule.engine === undefined || rule.engine === view.engine) && rule.matches(view);
        matched[at] = hit ? 1 : 0;
        if (!hit) continue;
        if (correlated[at]) any = true;
        if (!reports[at]) continue;
        if (findings === NO_FINDINGS) findings = [];
        const time = eventTimeText(seen.event);
        findings.push({
          rule: rule.summary,
          uid: findingUid(rule.summary.id, [seen.eventId], seen.clusterId ?? seen.instanceId ?? ''),
          first: time,
          last: time,
          eventCount: 1,
          evidence: [evidenceOf(seen)],
        });
      }
      // The event's time is read only when a correlation needs it: one of its rules matched, or windows wait to be judged.
      if (trackers.length === 0 || (!any && !judging)) return findings;
      const time = eventTimeText(seen.event);
      const t = parseDasInstant(time)?.moment.getTime();
      if (t === undefined) {
        if (any) stats.untimedEvents++;
        return findings;
      }
      if (t > watermark) {
        watermark = t;
        if (judging)
          for (const tracker of trackers) for (const finding of tracker.close(watermark)) (findings === NO_FINDINGS ? (findings = []) : findings).push(finding);
      }
      if (!any) return findings;
      for (let at = 0; at < trackers.length; at++) {
        const indexes = wiring[at] as number[];
        let bits = 0;
        for (let bit = 0; bit < indexes.length; bit++) if (matched[indexes[bit] as number]) bits |= 1 << bit;
        if (bits === 0) continue;
        const finding = (trackers[at] as CorrelationTracker).add(view, seen, t, time, bits);
        if (finding) (findings === NO_FINDINGS ? (findings = []) : findings).push(finding);
      }
      refreshStats();
      return findings;
    },
    end() {
      // An open window cut short by the input's end proves nothing either way: it is kept (exportState), never judged here.
      return NO_FINDINGS;
    },
    exportState() {
      // Across every rule, until the bound: the groups closest to firing first, then the newest (stateOrder).
      const all = trackers.flatMap((tracker) => tracker.exportGroups().map((item) => ({ id: tracker.rule.summary.id, item })));
      all.sort((a, b) => stateOrder(a.item.group, b.item.group));
      const kept: Record<string, unknown[]> = {};
      let size = 200;
      let dropped = 0;
      for (const { id, item } of all) {
        const cost = JSON.stringify(item).length + id.length + 8;
        if (size + cost > maxStateBytes) {
          dropped++;
          continue;
        }
        size += cost;
        (kept[id] ??= []).push(item);
      }
      refreshStats();
      stats.groupsLeftOutOfState = dropped;
      return { version: STATE_VERSION, watermark: Number.isFinite(watermark) ? watermark : null, groups: kept };
    },
    importState(state) {
      if (typeof state !== 'object' || state === null) return;
      const { version, watermark: saved, groups } = state as Record<string, unknown>;
      if (version !== STATE_VERSION || typeof groups !== 'object' || groups === null) return;
      if (typeof saved === 'number' && Number.isFinite(saved) && saved > watermark) watermark = saved;
      for (const tracker of trackers) {
        const id = tracker.rule.summary.id;
        if (Object.hasOwn(groups, id)) tracker.importGroups((groups as Record<string, unknown>)[id]);
      }
      refreshStats();
    },
  };
}
