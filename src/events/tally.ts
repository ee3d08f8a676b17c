import type { DasEvent } from '../decode/types.js';
import { parseDasTime } from './das-time.js';
import { isFailure } from './outcome.js';
import { engineOf, redactSql } from './redact.js';
import { fieldText } from './field-text.js';

/** Counts by name, most first. */
export class Counter {
  readonly #counts = new Map<string, number>();
  add(name: string): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
  }
  top(n: number): Array<[string, number]> {
    return [...this.#counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n);
  }
  get size(): number {
    return this.#counts.size;
  }
}

/** What --summary reports of the events written: by class, user, database, command, statement, minute. */
export class EventTally {
  events = 0;
  readonly byClass = new Counter();
  readonly byUser = new Counter();
  readonly byDatabase = new Counter();
  readonly byCommand = new Counter();
  /** Statements with their literals folded to ?, as pgbadger groups them. */
  readonly statements = new Counter();
  readonly failed = new Counter();
  /** Minute (epoch ms at its start) → events by class. */
  readonly minutes = new Map<number, Map<string, number>>();

  add(event: DasEvent): void {
    this.events++;
    const kind = text(event.class) || '-';
    this.byClass.add(kind);
    this.byUser.add(text(event.dbUserName) || '-');
    this.byDatabase.add(text(event.databaseName) || '-');
    this.byCommand.add(text(event.command) || '-');
    const sql = text(event.commandText).trim();
    const shape = sql ? redactSql(sql, engineOf(event)).replace(/\s+/g, ' ') : '';
    if (shape) this.statements.add(shape);
    if (isFailure(event)) this.failed.add(shape || text(event.command) || '-');
    const moment = parseDasTime(text(event.logTime ?? event.startTime));
    if (moment) {
      const minute = Math.floor(moment.getTime() / 60_000) * 60_000;
      const classes = this.minutes.get(minute) ?? new Map<string, number>();
      classes.set(kind, (classes.get(kind) ?? 0) + 1);
      this.minutes.set(minute, classes);
    }
  }
}

const text = fieldText;
