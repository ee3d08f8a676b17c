// A rule as the detector runs it: compiled once from its Sigma YAML into closures.
import type { Engine } from '../events/redact.js';
import type { EventView } from './event-view.js';
import type { RuleSummary } from './finding.js';

/** A single-event Sigma rule: its detection and condition as one test of an event. */
export interface EventRule {
  readonly kind: 'event';
  readonly summary: RuleSummary;
  /** Sigma's `name`, by which (as by id) a correlation rule refers to it. */
  readonly name: string | undefined;
  /** The one engine its logsource's product names; undefined for every engine. */
  readonly engine: Engine | undefined;
  readonly matches: (view: EventView) => boolean;
}

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered';

/** A bound on a count: every one given must hold (gte and lte together make a range). */
export interface CountCondition {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
}

/** A Sigma correlation rule over the events of the rules it names, grouped and windowed by the events' own time. */
export interface CorrelationRule {
  readonly kind: 'correlation';
  readonly summary: RuleSummary;
  readonly name: string | undefined;
  readonly type: CorrelationType;
  /** The rules it correlates, resolved. */
  readonly rules: readonly EventRule[];
  /** The group-by names, as the finding's group shows them. */
  readonly groupBy: readonly string[];
  /** For each of `rules`, the event field each group-by name reads (an alias may name another field per rule). */
  readonly groupFields: readonly (readonly string[])[];
  readonly timespanMs: number;
  /** event_count and value_count: the count's bounds. temporal: how many of the rules must be seen (all, if absent). */
  readonly condition: CountCondition | undefined;
  /** value_count: the field whose distinct values are counted. */
  readonly field: string | undefined;
  /** Sigma's `generate`: whether the rules it names still make findings of their own. */
  readonly generate: boolean;
}

export type Rule = EventRule | CorrelationRule;
