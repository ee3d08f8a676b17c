import type { DasEvent } from '../decode/types.js';

export type Level = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** What a user, a finding and `das-read rules` know of a rule. */
export interface RuleSummary {
  id: string;
  title: string;
  level: Level;
  description: string;
  tags: string[];
  engines: string[];
  source: string;
  correlation: boolean;
}

/** One event as the detector saw it, with the ids das-read gives it (as in -o ndjson). */
export interface SeenEvent {
  event: DasEvent;
  eventId: string;
  clusterId: string | null;
  instanceId: string | null;
}

export interface Finding {
  rule: RuleSummary;
  uid: string;
  first: string;
  last: string;
  eventCount: number;
  evidence: SeenEvent[];
  group?: Record<string, string>;
}
