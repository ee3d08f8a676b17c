// The report's aggregation: events in, ReportData out, in memory bounded whatever the input (issue 37).
import { DistinctCount } from './aggregate/distinct-count.js';
import type { DasEvent } from '../decode/types.js';
import { eventTimeText, evidenceOf, LEVELS, type Finding, type SeenEvent } from '../detect/finding.js';
import { fieldText } from '../events/field-text.js';
import { isFailure } from '../events/outcome.js';
import { ActivityBuckets, NO_CLASS } from './aggregate/activity-buckets.js';
import { capped, REASON_CAP, STATEMENT_CAP } from './aggregate/capped-text.js';
import { changeCommandOf, isPrivilegeChange } from './aggregate/change-of.js';
import { CoverageTracker } from './aggregate/coverage-tracker.js';
import { timeOf, timeOfText } from './aggregate/event-time.js';
import { FastTime } from './aggregate/fast-time.js';
import { fnv1a, KeyedTable } from './aggregate/keyed-table.js';
import { loginOf } from './aggregate/login-of.js';
import { SpaceSaving } from './aggregate/space-saving.js';
import { StatementFolder } from './aggregate/statement-folder.js';
import { writeCommandOf } from './aggregate/write-of.js';
import {
  REPORT_VERSION,
  type Bounded,
  type CappedText,
  type ChangeRow,
  type ClientRow,
  type EvidenceRow,
  type FailureRow,
  type FindingRow,
  type LogonRow,
  type ReportData,
  type StatementRow,
  type StreamEvent,
  type WriteRow,
} from './report-data.js';

export { ReportStateError } from './report-state-error.js';

/** What the command knows that the events do not. */
export interface BuildContext {
  generator: string;
  generatedAt: number;
  redacted: boolean;
  /** The filters that chose the events, as flags; [] for none. */
  filters?: string[];
  source: ReportData['source'];
  /** The window asked for; null = from the first event / to the last. */
  window: { from: number | null; until: number | null };
  streamEvents: StreamEvent[] | null;
  streamEventsNote: string | null;
  retentionGaps: Array<{ shardIds: string[]; detail: string }>;
}

/** How much each part of the report keeps while reading: the bounds on its memory (and on its saved state). */
export interface ReportBounds {
  /** Distinct folded statements counted exactly; past it, space-saving. */
  statements: number;
  /** Users counted to find the busiest (space-saving past it). */
  users: number;
  /** Activity buckets kept while reading (then coarser), and shown at most. */
  buckets: number;
  chartBuckets: number;
  classes: number;
  bucketUsers: number;
  logons: number;
  failureGroups: number;
  /** Changes kept (privilege changes first, then the earliest): the rest counted. */
  changes: number;
  writes: number;
  clients: number;
  sessionsPerClient: number;
  usersPerStatement: number;
  findings: number;
  unreadable: number;
  instances: number;
  /** Stretches of signs per instance (one silence between two). */
  stretches: number;
  /** Clusters, instances and engines named in the overview. */
  names: number;
}

export const DEFAULT_BOUNDS: ReportBounds = {
  statements: 20_000,
  users: 10_000,
  buckets: 1_500,
  chartBuckets: 300,
  classes: 64,
  bucketUsers: 32,
  logons: 10_000,
  failureGroups: 5_000,
  changes: 2_000,
  writes: 10_000,
  clients: 1_000,
  sessionsPerClient: 1_000,
  usersPerStatement: 32,
  findings: 500,
  unreadable: 1_000,
  instances: 100,
  stretches: 200,
  names: 1_000,
};

/** A bound a saved state may not exceed: a hand-made state cannot make the builder keep without limit. */
export const MAX_BOUND = 1_000_000;
/** Rows each table shows (the HTML page stays a few MB); the rest are counted in `more`. */
const SHOWN = { statements: 25, failures: 200, logons: 1_000, writes: 500, clients: 500, users: 8 } as const;
/** The busiest statements are shown to this many characters (their key is as long): changes and evidence show 2,000. */
export const STATEMENT_ROW_CAP = 1_000;
/** Names (users, hosts, applications, objects) kept in the tables: a client may send a name of megabytes. */
export const NAME_CAP = 1_000;
/** Failure times kept per user and source after their last success: enough to place a late success exactly in practice. */
export const RECENT_FAILURES = 16;
/** Users listed per client. */
export const CLIENT_USERS = 10;

export const STATE_VERSION = 1;
export const STATE_KIND = 'das-read report state';

/** The saved form of a builder: JSON, versioned. Read back only through ReportBuilder.fromState, which checks every value. */
export interface ReportState {
  kind: typeof STATE_KIND;
  stateVersion: typeof STATE_VERSION;
  [part: string]: unknown;
}

export interface StatementStat {
  cut: number;
  rows: number;
  failures: number;
  users: Set<string>;
  first: number | null;
  last: number | null;
}

export interface FailureStat {
  user: string;
  source: string;
  reason: CappedText;
  what: CappedText;
  count: number;
  first: number | null;
  last: number | null;
}

export interface LogonStat {
  user: string;
  source: string;
  successes: number;
  failures: number;
  lastSuccess: number | null;
  lastFailure: number | null;
  since: number;
  /** The latest timed failures after lastSuccess, ascending, at most RECENT_FAILURES. */
  recent: number[];
}

export interface WriteStat {
  user: string;
  object: string;
  command: string;
  count: number;
  rows: number;
}

export interface ClientStat {
  application: string;
  source: string;
  users: string[];
  /** Sessions by hash (30 bits, small integers to V8), at most sessionsPerClient. */
  sessions: Set<number>;
  events: number;
  first: number | null;
  last: number | null;
}

export interface KeptChange {
  row: ChangeRow;
  seq: number;
  privilege: boolean;
}

export const name = (value: unknown): string => {
  const text = fieldText(value);
  return text.length > NAME_CAP ? `${text.slice(0, NAME_CAP)}…` : text;
};
export const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Earlier first, unknown times last. */
export const byTime = (a: number | null, b: number | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a - b);
const earlier = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const later = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
const rowCountOf = (event: DasEvent) => {
  const rows = event.rowCount;
  return typeof rows === 'number' && Number.isSafeInteger(rows) && rows > 0 ? rows : 0;
};

/**
 * Everything the report needs from the events, kept while they stream by: counts exact, keyed tables bounded (what
 * does not fit is counted). `toState()` is all of it, so a report can be continued from yesterday evening's state
 * (--incremental): adding the rest of the events to a restored builder builds what one builder of all of them builds.
 * Statements are folded by --redact's lexers: `await prepareRedaction()` (src/events/redact.ts) before the first add().
 * Coverage is found from the signs' times, whatever order they arrive in; only past its bounds (100 instances, 200
 * silences each) does order matter: then the shortest silences are merged away, still counted as not covered.
 */
export class ReportBuilder {
  readonly bounds: ReportBounds;
  readonly gapThresholdMs: number;
  readonly #folder = new StatementFolder();
  readonly #time = new FastTime();

  #events = 0;
  #heartbeats = 0;
  #failures = 0;
  #findingsTotal = 0;
  #unreadableTotal = 0;
  #first: number | null = null;
  #last: number | null = null;
  #clusters = new Set<string>();
  #instances = new Set<string>();
  #engines = new Set<string>();
  #users = new DistinctCount();
  #sessions = new DistinctCount();
  #activity: ActivityBuckets;
  #userCounts: SpaceSaving<null>;
  #statements: SpaceSaving<StatementStat>;
  #failedStatements: KeyedTable<FailureStat>;
  #failedLogins: KeyedTable<FailureStat>;
  #logons: KeyedTable<LogonStat>;
  #changes: KeptChange[] = [];
  #changesLeft = 0;
  #seq = 0;
  #writes: KeyedTable<WriteStat>;
  #clients: KeyedTable<ClientStat>;
  #lastClient: ClientStat | undefined = undefined;
  #findings: FindingRow[] = [];
  #findingsLeft = 0;
  #unreadable: Array<{ place: string; problem: string }> = [];
  #coverage: CoverageTracker;

  constructor(options: { gapThresholdMs?: number; bounds?: Partial<ReportBounds> } = {}) {
    this.bounds = { ...DEFAULT_BOUNDS, ...options.bounds };
    for (const [key, bound] of Object.entries(this.bounds)) {
      if (!(Number.isSafeInteger(bound) && bound >= 1 && bound <= MAX_BOUND))
        throw new RangeError(`bound ${key} must be a whole number from 1 to ${MAX_BOUND}`);
    }
    this.gapThresholdMs = options.gapThresholdMs ?? 60_000;
    if (!(Number.isSafeInteger(this.gapThresholdMs) && this.gapThresholdMs >= 0)) throw new RangeError('gapThresholdMs must be a whole number of milliseconds');
    const b = this.bounds;
    this.#activity = new ActivityBuckets({ buckets: b.buckets, chartBuckets: b.chartBuckets, classes: b.classes, bucketUsers: b.bucketUsers });
    this.#userCounts = new SpaceSaving(b.users);
    this.#statements = new SpaceSaving(b.statements);
    this.#failedStatements = new KeyedTable(b.failureGroups);
    this.#failedLogins = new KeyedTable(b.failureGroups);
    this.#logons = new KeyedTable(b.logons);
    this.#writes = new KeyedTable(b.writes);
    this.#clients = new KeyedTable(b.clients);
    this.#coverage = new CoverageTracker(this.gapThresholdMs, { instances: b.instances, stretches: b.stretches });
  }

  /** An activity event (type record). `seen.shown`, when there, is what the report shows of it (--redact). */
  add(seen: SeenEvent): void {
    const event = seen.event;
    this.#events++;
    const at = this.#time.parse(eventTimeText(event));
    if (at !== null) {
      if (this.#first === null || at < this.#first) this.#first = at;
      if (this.#last === null || at > this.#last) this.#last = at;
    }
    const user = fieldText(event.dbUserName);
    if (user !== '') this.#users.add(user);
    const session = fieldText(event.sessionId);
    if (session !== '') this.#sessions.add(session);
    const clusterId = seen.clusterId ?? '';
    const instanceId = seen.instanceId ?? '';
    if (clusterId !== '' && this.#clusters.size < this.bounds.names) this.#clusters.add(clusterId);
    if (instanceId !== '' && this.#instances.size < this.bounds.names) this.#instances.add(instanceId);
    const engine = fieldText(event.serverType);
    if (engine !== '' && this.#engines.size < this.bounds.names) this.#engines.add(engine);
    const failed = isFailure(event);
    if (failed) this.#failures++;
    const userKey = user === '' ? '-' : name(user);
    this.#activity.add(at, name(event.class) || NO_CLASS, userKey);
    if (this.#userCounts.bump(userKey) === undefined) this.#userCounts.add(userKey, noPayload);
    this.#coverage.sign(instanceId, clusterId, at, false);

    const source = name(event.remoteHost);
    const folded = this.#folder.fold(event);
    if (folded !== '') this.#countStatement(folded, event, userKey, at, failed);
    const login = loginOf(event);
    if (login !== undefined) this.#countLogin(seen, login, userKey, source, at);
    else if (failed) this.#countFailure(this.#failedStatements, seen, userKey, source, capped(folded || fieldText(event.command), STATEMENT_CAP), at);
    const change = changeCommandOf(event);
    if (change !== undefined) this.#keepChange(seen, change, at, failed);
    const write = writeCommandOf(event);
    if (write !== undefined) this.#countWrite(event, userKey, write);
    this.#countClient(event, source, user, session, at);
  }

  /** A heartbeat: a sign of the instance's trail, not an event. */
  heartbeat(instanceId: string | null, clusterId: string | null, time: number | null): void {
    this.#heartbeats++;
    this.#coverage.sign(instanceId ?? '', clusterId ?? '', time !== null && Number.isSafeInteger(time) ? time : null, true);
  }

  /** A finding of the rules; its evidence as the finding shows it (redacted under --redact). */
  addFinding(finding: Finding): void {
    this.#findingsTotal++;
    const row = findingRow(finding);
    if (this.#findings.length < this.bounds.findings) {
      this.#findings.push(row);
      return;
    }
    // Full: a finding of a higher level takes the place of the latest of the lowest level kept.
    let lowest = -1;
    for (let at = 0; at < this.#findings.length; at++) {
      if (lowest < 0 || rank(this.#findings[at] as FindingRow) <= rank(this.#findings[lowest] as FindingRow)) lowest = at;
    }
    this.#findingsLeft++;
    if (lowest >= 0 && rank(this.#findings[lowest] as FindingRow) < rank(row)) this.#findings[lowest] = row;
  }

  /** A record (live) or line (saved) that could not be read. */
  unreadable(place: string, problem: string): void {
    this.#unreadableTotal++;
    if (this.#unreadable.length < this.bounds.unreadable)
      this.#unreadable.push({ place: capped(place, REASON_CAP).text, problem: capped(problem, REASON_CAP).text });
  }

  #countStatement(folded: string, event: DasEvent, user: string, at: number | null, failed: boolean): void {
    // Most statements are short: the capped copy (and its object) only for the long ones.
    const cut = folded.length > STATEMENT_ROW_CAP ? capped(folded, STATEMENT_ROW_CAP) : undefined;
    const key = cut === undefined ? folded : `${cut.text}\u0000${cut.cut}`;
    const stat = (
      this.#statements.bump(key) ??
      this.#statements.add(key, () => ({ cut: cut?.cut ?? 0, rows: 0, failures: 0, users: new Set<string>(), first: null, last: null }))
    ).payload;
    stat.rows += rowCountOf(event);
    if (failed) stat.failures++;
    if (stat.users.size < this.bounds.usersPerStatement) stat.users.add(user);
    if (at !== null) {
      if (stat.first === null || at < stat.first) stat.first = at;
      if (stat.last === null || at > stat.last) stat.last = at;
    }
  }

  #countLogin(seen: SeenEvent, outcome: 'success' | 'failure', user: string, source: string, at: number | null): void {
    const stat = this.#logons.get(`${user}\u0000${source}`, () => ({
      user,
      source,
      successes: 0,
      failures: 0,
      lastSuccess: null,
      lastFailure: null,
      since: 0,
      recent: [],
    }));
    if (outcome === 'failure') this.#countFailure(this.#failedLogins, seen, user, source, capped(fieldText(seen.event.command), STATEMENT_CAP), at);
    if (stat === undefined) return;
    if (outcome === 'success') {
      stat.successes++;
      if (at === null || (stat.lastSuccess !== null && at <= stat.lastSuccess)) return;
      stat.lastSuccess = at;
      const kept = stat.recent.length;
      const after = stat.recent.filter((failure) => failure > at);
      // The failures not kept are older than every kept one: when a kept one is before this success, so are they.
      stat.since = after.length < kept || stat.since === kept ? after.length : stat.since;
      stat.recent = after;
    } else {
      stat.failures++;
      if (at === null) return;
      if (stat.lastFailure === null || at > stat.lastFailure) stat.lastFailure = at;
      if (stat.lastSuccess !== null && at <= stat.lastSuccess) return;
      stat.since++;
      let place = stat.recent.length;
      while (place > 0 && (stat.recent[place - 1] as number) > at) place--;
      stat.recent.splice(place, 0, at);
      if (stat.recent.length > RECENT_FAILURES) stat.recent.shift();
    }
  }

  #countFailure(table: KeyedTable<FailureStat>, seen: SeenEvent, user: string, source: string, what: CappedText, at: number | null): void {
    const shown = seen.shown ?? seen.event;
    const message = typeof shown.errorMessage === 'string' ? shown.errorMessage.trim() : '';
    const reason = capped(message !== '' ? message : fieldText(shown.exitCode), REASON_CAP);
    const key = [user, source, reason.text, reason.cut, what.text, what.cut].join('\u0000');
    const stat = table.get(key, () => ({ user, source, reason, what, count: 0, first: null, last: null }));
    if (stat === undefined) return;
    stat.count++;
    stat.first = earlier(stat.first, at);
    stat.last = later(stat.last, at);
  }

  #keepChange(seen: SeenEvent, command: string, at: number | null, failed: boolean): void {
    const event = seen.event;
    const shown = seen.shown ?? event;
    const row: ChangeRow = {
      time: at,
      user: name(event.dbUserName),
      source: name(event.remoteHost),
      database: name(event.databaseName),
      instanceId: seen.instanceId ?? '',
      class: name(event.class),
      command: name(command),
      object: name(event.objectName),
      statement: capped(fieldText(shown.commandText), STATEMENT_CAP),
      failed,
      eventId: name(seen.eventId),
    };
    this.#changes.push({ row, seq: this.#seq++, privilege: isPrivilegeChange(event, command) });
    if (this.#changes.length >= 2 * this.bounds.changes) {
      this.#changes.sort(changeRank);
      this.#changesLeft += this.#changes.length - this.bounds.changes;
      this.#changes.length = this.bounds.changes;
    }
  }

  #countWrite(event: DasEvent, user: string, command: string): void {
    const object = name(event.objectName);
    const stat = this.#writes.get(`${user}\u0000${object}\u0000${command}`, () => ({ user, object, command, count: 0, rows: 0 }));
    if (stat === undefined) return;
    stat.count++;
    stat.rows += rowCountOf(event);
  }

  #countClient(event: DasEvent, source: string, user: string, session: string, at: number | null): void {
    const application = name(event.clientApplication);
    // Events come in runs of one client: the last one's row is looked up without making its key.
    const last = this.#lastClient;
    const stat =
      last !== undefined && last.application === application && last.source === source
        ? last
        : this.#clients.get(`${application}\u0000${source}`, () => ({
            application,
            source,
            users: [],
            sessions: new Set<number>(),
            events: 0,
            first: null,
            last: null,
          }));
    if (stat === undefined) return;
    this.#lastClient = stat;
    stat.events++;
    if (user !== '' && stat.users.length < CLIENT_USERS) {
      const shown = name(user);
      if (!stat.users.includes(shown)) stat.users.push(shown);
    }
    if (session !== '' && stat.sessions.size < this.bounds.sessionsPerClient) stat.sessions.add(fnv1a(session) >>> 2);
    stat.first = earlier(stat.first, at);
    stat.last = later(stat.last, at);
  }

  /** The report. Pure: the builder goes on as it was, and may be built again. */
  /** The first and last event's times: where the events alone place the window. */
  get eventSpan(): { firstEvent: number | null; lastEvent: number | null } {
    return { firstEvent: this.#first, lastEvent: this.#last };
  }

  build(context: BuildContext): ReportData {
    const windowFrom = context.window.from;
    const windowUntil = context.window.until;
    const signs = this.#coverage.signs();
    const from = windowFrom ?? this.#first ?? signs.first;
    const until = windowUntil ?? this.#last ?? signs.last;
    const spanFrom = earlier(windowFrom, this.#first);
    const spanUntil = later(windowUntil, this.#last);
    const span = spanFrom !== null && spanUntil !== null ? spanUntil - spanFrom : 0;
    const topUsers = [...this.#userCounts.entries()]
      .sort((a, b) => b.count - a.count || order(a.key, b.key))
      .slice(0, SHOWN.users)
      .map((entry) => entry.key);
    const coverage = this.#coverage.build(from, until, context.streamEvents);
    return {
      reportVersion: REPORT_VERSION,
      generator: context.generator,
      generatedAt: context.generatedAt,
      redacted: context.redacted,
      filters: [...(context.filters ?? [])],
      source: { kind: context.source.kind, names: [...context.source.names] },
      window: { from: windowFrom, until: windowUntil, firstEvent: this.#first, lastEvent: this.#last },
      overview: {
        events: this.#events,
        heartbeats: this.#heartbeats,
        clusters: [...this.#clusters].sort(order),
        instances: [...this.#instances].sort(order),
        engines: [...this.#engines].sort(order),
        users: this.#users.size,
        sessions: this.#sessions.size,
        failures: this.#failures,
        findings: this.#findingsTotal,
        unreadable: this.#unreadableTotal,
      },
      activity: this.#activity.build(this.#first, this.#last, span, topUsers),
      statements: this.#statementsBuilt(),
      failures: { statements: failureRows(this.#failedStatements), logins: failureRows(this.#failedLogins) },
      logons: this.#logonsBuilt(),
      changes: this.#changesBuilt(),
      writes: shownOf(
        [...this.#writes.rows.values()]
          .sort((a, b) => b.count - a.count || b.rows - a.rows || order(a.user, b.user) || order(a.object, b.object) || order(a.command, b.command))
          .map((stat): WriteRow => ({ ...stat })),
        SHOWN.writes,
        this.#writes.more,
      ),
      clients: shownOf(
        [...this.#clients.rows.values()]
          .sort((a, b) => b.events - a.events || order(a.application, b.application) || order(a.source, b.source))
          .map((stat): ClientRow => ({
            application: stat.application,
            source: stat.source,
            users: [...stat.users],
            sessions: stat.sessions.size,
            events: stat.events,
            first: stat.first,
            last: stat.last,
          })),
        SHOWN.clients,
        this.#clients.more,
      ),
      findings: {
        rows: [...this.#findings].sort((a, b) => rank(b) - rank(a) || byTime(a.first, b.first) || order(a.uid, b.uid)).map(copyFinding),
        more: this.#findingsLeft,
      },
      coverage: {
        gapThresholdMs: this.gapThresholdMs,
        heartbeatsSeen: this.#heartbeats > 0,
        instances: coverage.instances,
        streamEvents: context.streamEvents === null ? null : [...context.streamEvents].sort((a, b) => a.time - b.time).map((event) => ({ ...event })),
        streamEventsNote: context.streamEventsNote,
        retentionGaps: context.retentionGaps.map((gap) => ({ shardIds: [...gap.shardIds], detail: gap.detail })),
        unreadable: { rows: this.#unreadable.map((row) => ({ ...row })), more: this.#unreadableTotal - this.#unreadable.length },
        coveredMs: coverage.coveredMs,
        windowMs: coverage.windowMs,
        stopped: coverage.stopped,
      },
    };
  }

  #statementsBuilt(): ReportData['statements'] {
    const rows = [...this.#statements.entries()].map((entry): StatementRow => ({
      statement: { text: entry.payload.cut === 0 ? entry.key : entry.key.slice(0, entry.key.lastIndexOf('\u0000')), cut: entry.payload.cut },
      count: entry.count,
      rows: entry.payload.rows,
      users: entry.payload.users.size,
      failures: entry.payload.failures,
      first: entry.payload.first,
      last: entry.payload.last,
    }));
    const byText = (a: StatementRow, b: StatementRow) => order(a.statement.text, b.statement.text) || a.statement.cut - b.statement.cut;
    const copy = (row: StatementRow): StatementRow => ({ ...row, statement: { ...row.statement } });
    return {
      distinct: this.#statements.size + (this.#statements.exact ? 0 : 1),
      exact: this.#statements.exact,
      byCount: [...rows]
        .sort((a, b) => b.count - a.count || byText(a, b))
        .slice(0, SHOWN.statements)
        .map(copy),
      byRows: [...rows]
        .sort((a, b) => b.rows - a.rows || b.count - a.count || byText(a, b))
        .slice(0, SHOWN.statements)
        .map(copy),
    };
  }

  #logonsBuilt(): Bounded<LogonRow> {
    const rows = [...this.#logons.rows.values()]
      .sort((a, b) => b.since - a.since || b.failures - a.failures || order(a.user, b.user) || order(a.source, b.source))
      .map((stat): LogonRow => ({
        user: stat.user,
        source: stat.source,
        successes: stat.successes,
        failures: stat.failures,
        lastSuccess: stat.lastSuccess,
        lastFailure: stat.lastFailure,
        failuresSinceSuccess: stat.since,
      }));
    return shownOf(rows, SHOWN.logons, this.#logons.more);
  }

  #changesBuilt(): Bounded<ChangeRow> {
    const kept = [...this.#changes].sort(changeRank).slice(0, this.bounds.changes);
    const more = this.#changesLeft + this.#changes.length - kept.length;
    kept.sort((a, b) => byTime(a.row.time, b.row.time) || a.seq - b.seq);
    return { rows: kept.map((change) => ({ ...change.row, statement: { ...change.row.statement } })), more };
  }

  /** Everything needed to go on adding events later: JSON, versioned. */
  toState(): ReportState {
    const failure = (stat: FailureStat) => [
      stat.user,
      stat.source,
      stat.reason.text,
      stat.reason.cut,
      stat.what.text,
      stat.what.cut,
      stat.count,
      stat.first,
      stat.last,
    ];
    return {
      kind: STATE_KIND,
      stateVersion: STATE_VERSION,
      bounds: { ...this.bounds },
      gapThresholdMs: this.gapThresholdMs,
      totals: [this.#events, this.#heartbeats, this.#failures, this.#findingsTotal, this.#unreadableTotal],
      first: this.#first,
      last: this.#last,
      clusters: [...this.#clusters],
      instances: [...this.#instances],
      engines: [...this.#engines],
      users: this.#users.toState(),
      sessions: this.#sessions.toState(),
      activity: this.#activity.toState(),
      userCounts: this.#userCounts.toState(() => 0),
      statements: this.#statements.toState((stat) => [stat.cut, stat.rows, stat.failures, [...stat.users], stat.first, stat.last]),
      failedStatements: this.#failedStatements.toState(failure),
      failedLogins: this.#failedLogins.toState(failure),
      logons: this.#logons.toState((stat) => [
        stat.user,
        stat.source,
        stat.successes,
        stat.failures,
        stat.lastSuccess,
        stat.lastFailure,
        stat.since,
        [...stat.recent],
      ]),
      changes: this.#changes.map((change) => [change.seq, change.privilege, { ...change.row, statement: { ...change.row.statement } }]),
      changesLeft: this.#changesLeft,
      seq: this.#seq,
      writes: this.#writes.toState((stat) => [stat.user, stat.object, stat.command, stat.count, stat.rows]),
      clients: this.#clients.toState((stat) => [stat.application, stat.source, [...stat.users], [...stat.sessions], stat.events, stat.first, stat.last]),
      findings: this.#findings.map(copyFinding),
      findingsLeft: this.#findingsLeft,
      unreadable: this.#unreadable.map((row) => ({ ...row })),
      coverage: this.#coverage.toState(),
    };
  }

  /** For restoreReport() (report-state-reader.ts): sets what the constructor does not. */
  static _restore(builder: ReportBuilder, parts: RestoredParts): void {
    builder.#events = parts.totals[0];
    builder.#heartbeats = parts.totals[1];
    builder.#failures = parts.totals[2];
    builder.#findingsTotal = parts.totals[3];
    builder.#unreadableTotal = parts.totals[4];
    builder.#first = parts.first;
    builder.#last = parts.last;
    builder.#clusters = parts.clusters;
    builder.#instances = parts.instances;
    builder.#engines = parts.engines;
    builder.#users = parts.users;
    builder.#sessions = parts.sessions;
    builder.#activity = parts.activity;
    builder.#userCounts = parts.userCounts;
    builder.#statements = parts.statements;
    builder.#failedStatements = parts.failedStatements;
    builder.#failedLogins = parts.failedLogins;
    builder.#logons = parts.logons;
    builder.#changes = parts.changes;
    builder.#changesLeft = parts.changesLeft;
    builder.#seq = parts.seq;
    builder.#writes = parts.writes;
    builder.#clients = parts.clients;
    builder.#findings = parts.findings;
    builder.#findingsLeft = parts.findingsLeft;
    builder.#unreadable = parts.unreadable;
    builder.#coverage = parts.coverage;
  }
}

export interface RestoredParts {
  totals: [number, number, number, number, number];
  first: number | null;
  last: number | null;
  clusters: Set<string>;
  instances: Set<string>;
  engines: Set<string>;
  users: DistinctCount;
  sessions: DistinctCount;
  activity: ActivityBuckets;
  userCounts: SpaceSaving<null>;
  statements: SpaceSaving<StatementStat>;
  failedStatements: KeyedTable<FailureStat>;
  failedLogins: KeyedTable<FailureStat>;
  logons: KeyedTable<LogonStat>;
  changes: KeptChange[];
  changesLeft: number;
  seq: number;
  writes: KeyedTable<WriteStat>;
  clients: KeyedTable<ClientStat>;
  findings: FindingRow[];
  findingsLeft: number;
  unreadable: Array<{ place: string; problem: string }>;
  coverage: CoverageTracker;
}

export const noPayload = () => null;
export const rank = (row: FindingRow) => LEVELS.indexOf(row.level);

/** Privilege changes first, then the earliest (unknown times last), then as they came. */
function changeRank(a: KeptChange, b: KeptChange): number {
  return Number(b.privilege) - Number(a.privilege) || byTime(a.row.time, b.row.time) || a.seq - b.seq;
}

function shownOf<Row>(rows: Row[], shown: number, left: number): Bounded<Row> {
  return { rows: rows.slice(0, shown), more: Math.max(0, rows.length - shown) + left };
}

function failureRows(table: KeyedTable<FailureStat>): Bounded<FailureRow> {
  const rows = [...table.rows.values()]
    .sort(
      (a, b) =>
        b.count - a.count ||
        byTime(a.first, b.first) ||
        order(a.user, b.user) ||
        order(a.source, b.source) ||
        order(a.reason.text, b.reason.text) ||
        order(a.what.text, b.what.text),
    )
    .map((stat): FailureRow => ({ ...stat, reason: { ...stat.reason }, what: { ...stat.what } }));
  return shownOf(rows, SHOWN.failures, table.more);
}

function findingRow(finding: Finding): FindingRow {
  const rule = finding.rule;
  const row: FindingRow = {
    uid: fieldText(finding.uid),
    ruleId: fieldText(rule.id),
    title: capped(fieldText(rule.title), REASON_CAP).text,
    level: LEVELS.includes(rule.level) ? rule.level : 'informational',
    description: capped(fieldText(rule.description), STATEMENT_CAP).text,
    tags: Array.isArray(rule.tags) ? rule.tags.slice(0, 50).map((tag) => capped(fieldText(tag), REASON_CAP).text) : [],
    first: timeOfText(fieldText(finding.first)),
    last: timeOfText(fieldText(finding.last)),
    eventCount: finding.eventCount,
    evidence: finding.evidence.slice(0, 20).map((seen): EvidenceRow => {
      const shown = evidenceOf(seen);
      const event = shown.event;
      return {
        eventId: name(shown.eventId),
        time: timeOf(event),
        user: name(event.dbUserName),
        source: name(event.remoteHost),
        command: name(event.command),
        statement: capped(fieldText(event.commandText), STATEMENT_CAP),
      };
    }),
  };
  if (finding.group !== undefined) {
    row.group = Object.fromEntries(
      Object.entries(finding.group)
        .slice(0, 20)
        .map(([field, value]) => [name(field), name(value)]),
    );
  }
  return row;
}

export function copyFinding(row: FindingRow): FindingRow {
  const copy: FindingRow = { ...row, tags: [...row.tags], evidence: row.evidence.map((evidence) => ({ ...evidence, statement: { ...evidence.statement } })) };
  if (row.group !== undefined) copy.group = { ...row.group };
  return copy;
}
