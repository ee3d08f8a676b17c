import { fieldText } from '../events/field-text.js';
import { parseDasTime } from '../events/das-time.js';
import type { Finding } from './finding.js';

/** What every form of a finding says of its evidence: who, from where, on which database. Values as the events sent them. */
export interface FindingFacts {
  users: string[];
  hosts: string[];
  applications: string[];
  databases: string[];
  /** `cluster-…` / `db-…` of the evidence. */
  clusterIds: string[];
  instanceIds: string[];
  serverType: string | undefined;
}

/** A finding's facts: a correlation's group-by values first, then each evidence event's, once each, in order. */
export function factsOf(finding: Finding): FindingFacts {
  const distinct = (field: string) => {
    const seen = new Set<string>();
    const grouped = finding.group?.[field];
    if (grouped !== undefined && grouped !== '') seen.add(grouped);
    for (const { event } of finding.evidence) {
      const value = fieldText(event[field]);
      if (value !== '') seen.add(value);
    }
    return [...seen];
  };
  const ids = (pick: (seen: Finding['evidence'][number]) => string | null) => [
    ...new Set(finding.evidence.map(pick).filter((id): id is string => typeof id === 'string' && id !== '')),
  ];
  return {
    users: distinct('dbUserName'),
    hosts: distinct('remoteHost'),
    applications: distinct('clientApplication'),
    databases: distinct('databaseName'),
    clusterIds: ids((seen) => seen.clusterId),
    instanceIds: ids((seen) => seen.instanceId),
    serverType: distinct('serverType')[0],
  };
}

/** A finding's time as a moment: DAS writes `2026-01-01 00:00:00.123456+00`. */
export function momentOf(text: string): Date | undefined {
  return parseDasTime(text);
}

/** Severity by level, as OCSF numbers it (Security Hub names the same five). */
export const SEVERITY = {
  informational: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
} as const;
