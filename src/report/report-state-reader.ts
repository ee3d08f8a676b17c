// Reading a report's saved state back (--incremental's day files): every value checked, nothing trusted.
import { LEVELS, type Level } from '../detect/finding.js';
import { ActivityBuckets } from './aggregate/activity-buckets.js';
import { STATEMENT_CAP } from './aggregate/capped-text.js';
import { CoverageTracker } from './aggregate/coverage-tracker.js';
import { DistinctCount } from './aggregate/distinct-count.js';
import { KeyedTable, type KeyedTableState } from './aggregate/keyed-table.js';
import { SpaceSaving, type SpaceSavingState } from './aggregate/space-saving.js';
import * as read from './aggregate/state-reader.js';
import {
  CLIENT_USERS,
  DEFAULT_BOUNDS,
  MAX_BOUND,
  RECENT_FAILURES,
  ReportBuilder,
  STATE_KIND,
  STATE_VERSION,
  STATEMENT_ROW_CAP,
  type ClientStat,
  type FailureStat,
  type KeptChange,
  type LogonStat,
  type ReportBounds,
  type RestoredParts,
  type StatementStat,
  type WriteStat,
} from './report-builder.js';
import type { CappedText, FindingRow } from './report-data.js';

/** A builder from a saved state, every value checked: anything malformed is a ReportStateError saying what. */
export function restoreReport(value: unknown): ReportBuilder {
  const state = read.object(value, 'the state');
  // Neither is echoed: a value nested deeper than the stack would make String() and JSON.stringify throw.
  if (state.kind !== STATE_KIND) read.fail(`it is not a ${STATE_KIND} (its kind is ${shortly(state.kind)})`);
  if (state.stateVersion !== STATE_VERSION) read.fail(`its version is ${shortly(state.stateVersion)}, this das-read reads version ${STATE_VERSION}`);
  const savedBounds = read.object(state.bounds, 'bounds');
  const bounds = { ...DEFAULT_BOUNDS };
  for (const key of Object.keys(DEFAULT_BOUNDS) as Array<keyof ReportBounds>) {
    const bound = read.positive(savedBounds[key], `bounds.${key}`);
    if (bound > MAX_BOUND) read.fail(`bounds.${key} is above ${MAX_BOUND}`);
    bounds[key] = bound;
  }
  const gapThresholdMs = read.count(state.gapThresholdMs, 'gapThresholdMs');
  const builder = new ReportBuilder({ gapThresholdMs, bounds });
  const totals = read.tuple(state.totals, 5, 'totals').map((n, index) => read.count(n, `totals[${index}]`)) as RestoredParts['totals'];
  const first = read.timeOrNull(state.first, 'first');
  const last = read.timeOrNull(state.last, 'last');
  if ((first === null) !== (last === null) || (first !== null && last !== null && first > last)) read.fail('first and last are not a span');
  const set = (value: unknown, where: string, max = Infinity) => {
    const items = read.texts(value, where, max);
    const made = new Set(items);
    if (made.size !== items.length) read.fail(`${where} repeats a value`);
    return made;
  };
  const [events, , , findingsTotal, unreadableTotal] = totals;
  const users = DistinctCount.fromState(state.users, 'users');
  const sessions = DistinctCount.fromState(state.sessions, 'sessions');
  if (users.size > events || sessions.size > events || totals[2] > events) read.fail('users, sessions or failures outnumber the events');
  const activity = ActivityBuckets.fromState(state.activity, {
    buckets: bounds.buckets,
    chartBuckets: bounds.chartBuckets,
    classes: bounds.classes,
    bucketUsers: bounds.bucketUsers,
  });
  const placed = activity.totals();
  if (placed.timed + placed.untimed !== events) read.fail('activity does not count every event');
  if ((placed.timed === 0) !== (first === null)) read.fail('first and last do not match the timed events');
  if (first !== null && last !== null && !activity.spans(first, last)) read.fail('activity has buckets outside the first and last events, or none at them');
  const userCounts = readCounter(state.userCounts, 'userCounts', bounds.users, () => null);
  const statements = readCounter(state.statements, 'statements', bounds.statements, (payload, where): StatementStat => {
    const [cut, rows, failures, statUsers, statFirst, statLast] = read.tuple(payload, 6, where);
    return {
      cut: read.count(cut, `${where} cut`),
      rows: read.count(rows, `${where} rows`),
      failures: read.count(failures, `${where} failures`),
      users: set(statUsers, `${where} users`, bounds.usersPerStatement),
      first: read.timeOrNull(statFirst, `${where} first`),
      last: read.timeOrNull(statLast, `${where} last`),
    };
  });
  for (const entry of statements.entries()) {
    const separator = entry.key.lastIndexOf('\u0000');
    const whole = entry.payload.cut === 0;
    if (whole ? entry.key.length > STATEMENT_ROW_CAP : separator === -1 || separator > STATEMENT_ROW_CAP)
      read.fail('a statement is not kept as it was counted');
  }
  const failure = (row: unknown, where: string): FailureStat => {
    const [user, source, reason, reasonCut, what, whatCut, n, statFirst, statLast] = read.tuple(row, 9, where);
    return {
      user: read.text(user, `${where} user`),
      source: read.text(source, `${where} source`),
      reason: { text: read.text(reason, `${where} reason`), cut: read.count(reasonCut, `${where} reason cut`) },
      what: { text: read.text(what, `${where} what`), cut: read.count(whatCut, `${where} what cut`) },
      count: read.positive(n, `${where} count`),
      first: read.timeOrNull(statFirst, `${where} first`),
      last: read.timeOrNull(statLast, `${where} last`),
    };
  };
  const failureKey = (stat: FailureStat) => [stat.user, stat.source, stat.reason.text, stat.reason.cut, stat.what.text, stat.what.cut].join('\u0000');
  const failedStatements = readTable(state.failedStatements, 'failedStatements', bounds.failureGroups, failure, failureKey);
  const failedLogins = readTable(state.failedLogins, 'failedLogins', bounds.failureGroups, failure, failureKey);
  const logons = readTable(
    state.logons,
    'logons',
    bounds.logons,
    (row, where): LogonStat => {
      const [user, source, successes, failures, lastSuccess, lastFailure, since, recent] = read.tuple(row, 8, where);
      const stat: LogonStat = {
        user: read.text(user, `${where} user`),
        source: read.text(source, `${where} source`),
        successes: read.count(successes, `${where} successes`),
        failures: read.count(failures, `${where} failures`),
        lastSuccess: read.timeOrNull(lastSuccess, `${where} lastSuccess`),
        lastFailure: read.timeOrNull(lastFailure, `${where} lastFailure`),
        since: read.count(since, `${where} since`),
        recent: read.array(recent, `${where} recent`).map((at, index) => read.time(at, `${where} recent[${index}]`)),
      };
      const ordered = stat.recent.every((at, index) => index === 0 || (stat.recent[index - 1] as number) <= at);
      const afterSuccess = stat.recent.every((at) => stat.lastSuccess === null || at > stat.lastSuccess);
      if (stat.recent.length > RECENT_FAILURES || !ordered || !afterSuccess || stat.since < stat.recent.length || stat.since > stat.failures)
        read.fail(`${where} failures since success do not add up`);
      if (stat.successes + stat.failures === 0) read.fail(`${where} counts no login`);
      return stat;
    },
    (stat) => `${stat.user}\u0000${stat.source}`,
  );
  const changeList = read.array(state.changes, 'changes');
  if (changeList.length >= 2 * bounds.changes) read.fail('changes holds more than its bound');
  const seq = read.count(state.seq, 'seq');
  const seqs = new Set<number>();
  const changes = changeList.map((item, index): KeptChange => {
    const where = `changes[${index}]`;
    const [changeSeq, privilege, row] = read.tuple(item, 3, where);
    const fields = read.object(row, where);
    const kept: KeptChange = {
      seq: read.count(changeSeq, `${where} seq`),
      privilege: read.bool(privilege, `${where} privilege`),
      row: {
        time: read.timeOrNull(fields.time, `${where}.time`),
        user: read.text(fields.user, `${where}.user`),
        source: read.text(fields.source, `${where}.source`),
        database: read.text(fields.database, `${where}.database`),
        instanceId: read.text(fields.instanceId, `${where}.instanceId`),
        class: read.text(fields.class, `${where}.class`),
        command: read.text(fields.command, `${where}.command`),
        object: read.text(fields.object, `${where}.object`),
        statement: readCapped(fields.statement, `${where}.statement`, STATEMENT_CAP),
        failed: read.bool(fields.failed, `${where}.failed`),
        eventId: read.text(fields.eventId, `${where}.eventId`),
      },
    };
    if (kept.seq >= seq || seqs.has(kept.seq)) read.fail(`${where} is numbered out of turn`);
    seqs.add(kept.seq);
    return kept;
  });
  const changesLeft = read.count(state.changesLeft, 'changesLeft');
  const writes = readTable(
    state.writes,
    'writes',
    bounds.writes,
    (row, where): WriteStat => {
      const [user, object, command, n, rows] = read.tuple(row, 5, where);
      return {
        user: read.text(user, `${where} user`),
        object: read.text(object, `${where} object`),
        command: read.text(command, `${where} command`),
        count: read.positive(n, `${where} count`),
        rows: read.count(rows, `${where} rows`),
      };
    },
    (stat) => `${stat.user}\u0000${stat.object}\u0000${stat.command}`,
  );
  const clients = readTable(
    state.clients,
    'clients',
    bounds.clients,
    (row, where): ClientStat => {
      const [application, source, clientUsers, clientSessions, n, statFirst, statLast] = read.tuple(row, 7, where);
      const hashes = read.array(clientSessions, `${where} sessions`).map((hash) => {
        if (!Number.isInteger(hash) || (hash as number) < 0 || (hash as number) > 0x3fffffff)
          read.fail(`${where} sessions hold a value that is not a session hash`);
        return hash as number;
      });
      const stat: ClientStat = {
        application: read.text(application, `${where} application`),
        source: read.text(source, `${where} source`),
        users: [...set(clientUsers, `${where} users`, CLIENT_USERS)],
        sessions: new Set(hashes),
        events: read.positive(n, `${where} events`),
        first: read.timeOrNull(statFirst, `${where} first`),
        last: read.timeOrNull(statLast, `${where} last`),
      };
      if (stat.sessions.size !== hashes.length || hashes.length > bounds.sessionsPerClient) read.fail(`${where} sessions repeat or exceed their bound`);
      return stat;
    },
    (stat) => `${stat.application}\u0000${stat.source}`,
  );
  const findings = read.array(state.findings, 'findings').map((item, index) => readFinding(item, `findings[${index}]`));
  if (findings.length > bounds.findings) read.fail('findings holds more than its bound');
  const findingsLeft = read.count(state.findingsLeft, 'findingsLeft');
  if (findings.length + findingsLeft !== findingsTotal) read.fail('findings do not add up');
  const unreadable = read.array(state.unreadable, 'unreadable').map((item, index) => {
    const row = read.object(item, `unreadable[${index}]`);
    return { place: read.text(row.place, `unreadable[${index}].place`), problem: read.text(row.problem, `unreadable[${index}].problem`) };
  });
  if (unreadable.length > bounds.unreadable || unreadable.length > unreadableTotal) read.fail('unreadable holds more than its bound or its count');
  const coverage = CoverageTracker.fromState(state.coverage, { instances: bounds.instances, stretches: bounds.stretches });
  if (coverage.thresholdMs !== gapThresholdMs) read.fail('coverage has another gap threshold');
  ReportBuilder._restore(builder, {
    totals,
    first,
    last,
    clusters: set(state.clusters, 'clusters', bounds.names),
    instances: set(state.instances, 'instances', bounds.names),
    engines: set(state.engines, 'engines', bounds.names),
    users,
    sessions,
    activity,
    userCounts,
    statements,
    failedStatements,
    failedLogins,
    logons,
    changes,
    changesLeft,
    seq,
    writes,
    clients,
    findings,
    findingsLeft,
    unreadable,
    coverage,
  });
  return builder;
}

/** A value named in a message: short text and numbers as they are, anything else by its type. */
function shortly(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value.length <= 40 ? `text ${JSON.stringify(value)}` : 'a long text';
  return value === null ? 'null' : value === undefined ? 'missing' : Array.isArray(value) ? 'a list' : `an ${typeof value}`;
}

function readCapped(value: unknown, where: string, cap: number): CappedText {
  const fields = read.object(value, where);
  const text = read.text(fields.text, `${where}.text`);
  if (text.length > cap) read.fail(`${where} is longer than its cap`);
  return { text, cut: read.count(fields.cut, `${where}.cut`) };
}

function readCounter<P>(value: unknown, where: string, capacity: number, load: (payload: unknown, where: string) => P): SpaceSaving<P> {
  const fields = read.object(value, where);
  if (fields.capacity !== capacity) read.fail(`${where} has another capacity than its bound`);
  const state: SpaceSavingState<unknown> = {
    capacity,
    evicted: read.bool(fields.evicted, `${where}.evicted`),
    entries: read.array(fields.entries, `${where}.entries`).map((item, index) => {
      const [key, n, error, payload] = read.tuple(item, 4, `${where}.entries[${index}]`);
      return [
        read.text(key, `${where}.entries[${index}] key`),
        read.positive(n, `${where}.entries[${index}] count`),
        read.count(error, `${where}.entries[${index}] error`),
        payload,
      ];
    }),
    order:
      fields.order === null
        ? null
        : read.array(fields.order, `${where}.order`).map((item, index) => {
            const [n, keys] = read.tuple(item, 2, `${where}.order[${index}]`);
            return [read.positive(n, `${where}.order[${index}] count`), read.texts(keys, `${where}.order[${index}] keys`)];
          }),
  };
  let at = 0;
  return SpaceSaving.fromState(
    state,
    (payload) => load(payload, `${where}.entries[${at++}] payload`),
    (problem) => read.fail(`${where}: ${problem}`),
  );
}

function readTable<R>(value: unknown, where: string, capacity: number, load: (row: unknown, where: string) => R, keyOf: (row: R) => string): KeyedTable<R> {
  const fields = read.object(value, where);
  if (fields.capacity !== capacity) read.fail(`${where} has another capacity than its bound`);
  const state: KeyedTableState<unknown> = {
    capacity,
    rows: read.array(fields.rows, `${where}.rows`).map((item, index) => {
      const [key, row] = read.tuple(item, 2, `${where}.rows[${index}]`);
      return [read.text(key, `${where}.rows[${index}] key`), row];
    }),
    overflow: read.array(fields.overflow, `${where}.overflow`).map((hash, index) => read.count(hash, `${where}.overflow[${index}]`)),
    more: read.count(fields.more, `${where}.more`),
  };
  let at = 0;
  const table = KeyedTable.fromState(
    state,
    (row) => load(row, `${where}.rows[${at++}]`),
    (problem) => read.fail(`${where}: ${problem}`),
  );
  for (const [key, row] of table.rows) if (keyOf(row) !== key) read.fail(`${where} keeps a row under another key`);
  return table;
}

function readFinding(value: unknown, where: string): FindingRow {
  const fields = read.object(value, where);
  const level = read.text(fields.level, `${where}.level`);
  if (!LEVELS.includes(level as Level)) read.fail(`${where}.level is not a level`);
  const row: FindingRow = {
    uid: read.text(fields.uid, `${where}.uid`),
    ruleId: read.text(fields.ruleId, `${where}.ruleId`),
    title: read.text(fields.title, `${where}.title`),
    level: level as Level,
    description: read.text(fields.description, `${where}.description`),
    tags: read.texts(fields.tags, `${where}.tags`, 50),
    first: read.timeOrNull(fields.first, `${where}.first`),
    last: read.timeOrNull(fields.last, `${where}.last`),
    eventCount: read.count(fields.eventCount, `${where}.eventCount`),
    evidence: read.array(fields.evidence, `${where}.evidence`).map((item, index) => {
      const at = `${where}.evidence[${index}]`;
      const evidence = read.object(item, at);
      return {
        eventId: read.text(evidence.eventId, `${at}.eventId`),
        time: read.timeOrNull(evidence.time, `${at}.time`),
        user: read.text(evidence.user, `${at}.user`),
        source: read.text(evidence.source, `${at}.source`),
        command: read.text(evidence.command, `${at}.command`),
        statement: readCapped(evidence.statement, `${at}.statement`, STATEMENT_CAP),
      };
    }),
  };
  if (row.evidence.length > 20) read.fail(`${where}.evidence holds more than 20`);
  if (fields.group !== undefined) {
    const group = read.object(fields.group, `${where}.group`);
    row.group = Object.fromEntries(Object.entries(group).map(([field, text]) => [field, read.text(text, `${where}.group.${field.slice(0, 40)}`)]));
  }
  return row;
}
