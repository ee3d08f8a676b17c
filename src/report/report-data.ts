// What `das-read report` knows of a window: the JSON of `-o json`, and all the HTML page is drawn from (issue 37).
// Every value that came from an event is untrusted text: the page escapes it, and nothing here is markup.

/** Bumped when a field changes meaning: tools that read `-o json` check it. */
export const REPORT_VERSION = 1;

/** Epoch milliseconds (UTC). Every time in the report is one of these, or null when unknown. */
export type Millis = number;

/** A statement (or other event text) as the report shows it: capped, with the count of what was cut. */
export interface CappedText {
  text: string;
  /** Characters (UTF-16 code units) left out at the end; 0 when whole. */
  cut: number;
}

/** A list kept to a bound: the rows shown, and what did not fit, counted (the totals elsewhere stay exact). */
export interface Bounded<Row> {
  rows: Row[];
  /** Rows (distinct keys) not listed because the list was full. */
  more: number;
}

export interface ReportData {
  reportVersion: typeof REPORT_VERSION;
  /** `das-read <version>`. */
  generator: string;
  generatedAt: Millis;
  /** --redact: every event text shown is redacted (the rules saw it as sent). */
  redacted: boolean;
  /** The filters that chose the events, as flags (`--user app*`, `--errors-only`); [] when every event was taken. */
  filters: string[];
  /** Where the events came from: the database named, or the files read ('-' for standard input). */
  source: { kind: 'live' | 'saved'; names: string[] };
  /** The window asked for (--from/--until, or a day of --incremental), and the events' own first and last times. */
  window: { from: Millis | null; until: Millis | null; firstEvent: Millis | null; lastEvent: Millis | null };
  overview: Overview;
  activity: Activity;
  statements: Statements;
  failures: Failures;
  logons: Bounded<LogonRow>;
  /** DDL and ROLE class events (and each engine's equivalents: GRANT, REVOKE, CREATE USER, ALTER LOGIN…), in time order. */
  changes: Bounded<ChangeRow>;
  writes: Bounded<WriteRow>;
  clients: Bounded<ClientRow>;
  findings: Bounded<FindingRow>;
  coverage: Coverage;
}

/** The overview's counts. Heartbeats are not events; every count is of the events the filters kept. */
export interface Overview {
  events: number;
  heartbeats: number;
  clusters: string[];
  instances: string[];
  /** serverType values as written (PostgreSQL, MySQL, Oracle, SQLServer). */
  engines: string[];
  /** Distinct dbUserName ('' and null not counted). */
  users: number;
  /** Distinct sessionId (as text; '' and null not counted). */
  sessions: number;
  /** Events that failed: isFailure() in src/events/outcome.ts. */
  failures: number;
  findings: number;
  /** Records (live) or lines (saved) that could not be read: see coverage.unreadable. */
  unreadable: number;
}

/** Events over time, in buckets that suit the window: 10 s, 1 min, 5 min, 15 min, 1 h, 6 h, 1 day, or longer. */
export interface Activity {
  bucketMs: number;
  /** Start of each bucket, ascending, contiguous from the first event's bucket to the last's. */
  buckets: Millis[];
  /** Class ('-' when none) → events per bucket (same length as buckets). */
  byClass: Record<string, number[]>;
  /** The busiest users → events per bucket; the rest summed under byUserOther. */
  byUser: Record<string, number[]>;
  byUserOther: number[];
  /** Events with no time they could be placed by. */
  untimed: number;
}

export interface StatementRow {
  /** The statement with its literals folded to ? (as --summary folds them), whitespace collapsed. */
  statement: CappedText;
  count: number;
  /** Sum of rowCount (null counts 0). */
  rows: number;
  users: number;
  failures: number;
  first: Millis | null;
  last: Millis | null;
}

export interface Statements {
  /** Distinct folded statements seen (exact while under the bound, else a lower bound: see exact). */
  distinct: number;
  /** false when there were more distinct statements than the bound: counts are then upper bounds (space-saving). */
  exact: boolean;
  byCount: StatementRow[];
  byRows: StatementRow[];
}

export interface FailureRow {
  user: string;
  /** remoteHost ('' when none). */
  source: string;
  /** errorMessage, else the exit code as text. */
  reason: CappedText;
  /** For statements: the folded statement; for logins: the command (CONNECT, LOGIN…). */
  what: CappedText;
  count: number;
  first: Millis | null;
  last: Millis | null;
}

export interface Failures {
  /** Failed statements, grouped by user, source, reason and folded statement; most first. */
  statements: Bounded<FailureRow>;
  /** Failed logins (CONNECT / LOGIN / AUTH class events that failed), grouped by user, source and reason. */
  logins: Bounded<FailureRow>;
}

/** pgaudit_analyze's logon table: per user and source. */
export interface LogonRow {
  user: string;
  source: string;
  successes: number;
  failures: number;
  lastSuccess: Millis | null;
  lastFailure: Millis | null;
  /** Failures after the last success (all of them when none succeeded). */
  failuresSinceSuccess: number;
}

export interface ChangeRow {
  time: Millis | null;
  user: string;
  source: string;
  database: string;
  instanceId: string;
  class: string;
  command: string;
  object: string;
  statement: CappedText;
  failed: boolean;
  eventId: string;
}

export interface WriteRow {
  user: string;
  /** objectName ('' when none). */
  object: string;
  /** INSERT, UPDATE, DELETE, MERGE, COPY… as the event's command says. */
  command: string;
  count: number;
  rows: number;
}

export interface ClientRow {
  application: string;
  source: string;
  users: string[];
  sessions: number;
  events: number;
  first: Millis | null;
  last: Millis | null;
}

export interface EvidenceRow {
  eventId: string;
  time: Millis | null;
  user: string;
  source: string;
  command: string;
  statement: CappedText;
}

export interface FindingRow {
  uid: string;
  ruleId: string;
  title: string;
  level: 'informational' | 'low' | 'medium' | 'high' | 'critical';
  description: string;
  tags: string[];
  first: Millis | null;
  last: Millis | null;
  eventCount: number;
  group?: Record<string, string>;
  /** The first evidence events (already redacted under --redact). */
  evidence: EvidenceRow[];
}

/** A stretch of time: [from, until). */
export interface Span {
  from: Millis;
  until: Millis;
}

export interface InstanceCoverage {
  instanceId: string;
  clusterId: string;
  firstSeen: Millis | null;
  lastSeen: Millis | null;
  heartbeats: number;
  events: number;
  /** Silences (no heartbeat, no event) longer than coverage.gapThresholdMs, including from the window's start and to its end. */
  gaps: Span[];
}

/** An RDS event about the activity stream (DescribeEvents): RDS-EVENT-0179 started, -0180 stopped, or a message naming it. */
export interface StreamEvent {
  time: Millis;
  /** The RDS event id when the message or categories give one, else ''. */
  eventId: string;
  kind: 'started' | 'stopped' | 'other';
  sourceId: string;
  message: string;
}

export interface Coverage {
  gapThresholdMs: number;
  /** Whether heartbeats were in the input: without them (saved files written without --include-heartbeats), silences are only periods without events. */
  heartbeatsSeen: boolean;
  instances: InstanceCoverage[];
  /** null when RDS was not asked (saved files with no --cluster/--instance); else what it said, in time order. */
  streamEvents: StreamEvent[] | null;
  /** Why streamEvents is null or may be incomplete (no database named, DescribeEvents refused, window beyond 14 days…). */
  streamEventsNote: string | null;
  /** Checkpoint positions the stream no longer held (src/checkpoint/gaps.ts), as the read reported them. */
  retentionGaps: Array<{ shardIds: string[]; detail: string }>;
  unreadable: Bounded<{ place: string; problem: string }>;
  /** Of the window, the time with a live trail: per instance, the window minus its gaps and the stream's stopped spans, summed over instances. */
  coveredMs: number;
  /** The window's length times the instances (0 when nothing places the window). */
  windowMs: number;
  /** Stopped spans from streamEvents (a stop until the next start, or the window's end). */
  stopped: Span[];
}
