// What a detection says, shared by the engine, the CLI's outputs and the Lambda (docs: DETECT-CONTRACT, issue 36).
import { createHash } from 'node:crypto';
import type { DasEvent } from '../decode/types.js';

export type Level = 'informational' | 'low' | 'medium' | 'high' | 'critical';
export const LEVELS: readonly Level[] = ['informational', 'low', 'medium', 'high', 'critical'];

/** What a user, a finding and `das-read rules` know of a rule. */
export interface RuleSummary {
  /** The Sigma rule's id (a UUID in SigmaHQ; the built-ins use UUIDs too). */
  id: string;
  title: string;
  level: Level;
  description: string;
  /** As written: attack.t1110, attack.credential_access, ... */
  tags: string[];
  /** [] = every engine; else of 'postgresql' | 'mysql' | 'oracle' | 'mssql'. */
  engines: string[];
  /** The file it came from ('builtin/<name>.yml' for the built-ins). */
  source: string;
  /** A Sigma correlation rule. */
  correlation: boolean;
}

/** One event as the detector saw it, with the ids das-read gives it (as in -o ndjson). */
export interface SeenEvent {
  /**
   * As sent: the rules match the SQL the client wrote, so --redact cannot hide an attack from them.
   * A saved line's may still carry das-read's ids, which no rule sees.
   */
  event: DasEvent;
  /** What a finding shows of it when --redact (REDACT) is on: the redacted event; absent, `event` is shown. */
  shown?: DasEvent;
  /** `${shardId}:${sequenceNumber}:${index}`, or the saved line's eventId. */
  eventId: string;
  clusterId: string | null;
  instanceId: string | null;
}

export interface Finding {
  rule: RuleSummary;
  /** Stable for the same rule and the same evidence: a re-run yields the same uid (hex sha-256 of rule id + event ids, 32 chars). */
  uid: string;
  /** logTime (else startTime) of the first and last evidence event, as the events write them. */
  first: string;
  last: string;
  /** Every event that made the finding, counted. */
  eventCount: number;
  /** The first MAX_EVIDENCE of them, in order. */
  evidence: SeenEvent[];
  /** A correlation rule's group-by fields and their values. */
  group?: Record<string, string>;
}

/** The event as evidence: its shown (redacted) form, never the event as sent when a redacted one is given. */
export function evidenceOf(seen: SeenEvent): SeenEvent {
  if (seen.shown === undefined) return seen;
  return { event: seen.shown, eventId: seen.eventId, clusterId: seen.clusterId, instanceId: seen.instanceId };
}

/** A finding carries at most this many of its events: enough to act on, bounded for Security Hub and the Lambda's state. */
export const MAX_EVIDENCE = 20;

/** The same rule over the same events of the same database makes the same uid, so a SIEM can drop a re-run's repeats. */
export function findingUid(ruleId: string, eventIds: readonly string[], database = ''): string {
  const hash = createHash('sha256').update(ruleId);
  // Two streams may number their records alike (a shard id and a sequence number are the stream's own):
  // the database the events are from keeps their findings apart, where Security Hub would merge them.
  if (database !== '') hash.update('\n@').update(database);
  // A separator no id contains keeps ["a:b", "c"] and ["a", "b:c"] apart.
  for (const id of eventIds) hash.update('\n').update(id);
  return hash.digest('hex').slice(0, 32);
}

/** The event's time as it writes it: logTime, else startTime, else ''. */
export function eventTimeText(event: DasEvent): string {
  const text = typeof event.logTime === 'string' && event.logTime !== '' ? event.logTime : event.startTime;
  return typeof text === 'string' ? text : '';
}
