// Runs compiled rules over events as they come: single-event rules at once, correlation rules as their windows fill.
import { EventView } from './event-view.js';
import { eventTimeText, findingUid, type Finding, type SeenEvent } from './finding.js';
import type { CorrelationRule, EventRule, Rule } from './rule.js';

export interface Detector {
  /** Findings this event completes (single-event rules at once; a correlation when its condition is first met in a window). */
  observe(seen: SeenEvent): Finding[];
  /** At the end of the input: findings still pending (if any rule keeps some). */
  end(): Finding[];
  /** Correlation state as plain JSON, bounded (the Lambda keeps it under 1 MB across invocations); importState takes it back. */
  exportState(): unknown;
  importState(state: unknown): void;
}

const NO_FINDINGS: Finding[] = [];

export function createDetector(rules: readonly Rule[]): Detector {
  const eventRules = rules.filter((rule): rule is EventRule => rule.kind === 'event');
  const correlations = rules.filter((rule): rule is CorrelationRule => rule.kind === 'correlation');
  // Sigma's `generate: false` (the default): a rule a correlation names makes no findings of its own.
  const silent = new Set<EventRule>();
  for (const correlation of correlations) if (!correlation.generate) for (const rule of correlation.rules) silent.add(rule);
  for (const correlation of correlations) if (correlation.generate) for (const rule of correlation.rules) silent.delete(rule);
  const reported = eventRules.filter((rule) => !silent.has(rule));
  const view = new EventView();

  return {
    observe(seen) {
      // Heartbeats say the stream is alive; no rule is about them.
      if (seen.event.type !== 'record') return NO_FINDINGS;
      view.reset(seen.event);
      let findings = NO_FINDINGS;
      for (const rule of reported) {
        if (rule.engine !== undefined && rule.engine !== view.engine) continue;
        if (!rule.matches(view)) continue;
        if (findings === NO_FINDINGS) findings = [];
        const time = eventTimeText(seen.event);
        findings.push({ rule: rule.summary, uid: findingUid(rule.summary.id, [seen.eventId]), first: time, last: time, eventCount: 1, evidence: [seen] });
      }
      return findings;
    },
    end() {
      return NO_FINDINGS;
    },
    exportState() {
      return { version: 1, correlations: {} };
    },
    importState() {},
  };
}
