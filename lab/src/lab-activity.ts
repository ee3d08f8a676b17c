import type { DasEvent } from 'das-read';
import type { ActivitySource } from './activity-emitter.js';
import { Trickle } from './app-activity.js';
import { attackEvents, attackNamed, ATTACK_NAMES } from './attacks.js';
import type { PostgresServer } from './pgbench-synthetic.js';
import { ServiceError } from './service-error.js';

/** What the lab says when asked for an attack. */
export interface AttackReport {
  scenario: string;
  summary: string;
  /** Events the scenario makes (for a real PostgreSQL: statements and logins it ran). */
  events: number;
  /** Through a real PostgreSQL and pgaudit, or simulated. */
  real: boolean;
  /** What was simulated rather than run, and why. */
  note?: string;
}

/** A source that can run an attack itself (a real PostgreSQL): the lab simulates the others. */
export interface AttackingSource extends ActivitySource {
  attack?(scenario: string): Promise<AttackReport | undefined>;
}

export class UnknownAttackError extends ServiceError {
  constructor(readonly scenario: string) {
    super('UnknownAttack', `no attack scenario ${JSON.stringify(scenario)}: the lab knows ${ATTACK_NAMES.join(', ')}`, 404);
  }
}

/**
 * The lab's activity: its load (simulated pgbench or a real PostgreSQL), a trickle of what else a
 * database sees (DDL, failed statements, refused logins, role changes), and attacks on request,
 * each event handed over once its time has come, in time order.
 */
export class LabActivity implements ActivitySource {
  #pending: DasEvent[] = [];

  constructor(
    private readonly server: PostgresServer,
    private readonly load: AttackingSource,
    private readonly trickle: Trickle | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async eventsUntil(nowMicros: number): Promise<DasEvent[]> {
    const events = [...(await this.load.eventsUntil(nowMicros)), ...(this.trickle?.eventsUntil(nowMicros) ?? [])];
    const due = this.#pending.filter((event) => micros(event) <= nowMicros);
    this.#pending = this.#pending.filter((event) => micros(event) > nowMicros);
    // Stable: the load's own order stays where times are equal.
    return [...events, ...due].sort((a, b) => micros(a) - micros(b));
  }

  /** Runs the scenario through the load when it can, else adds its events to the stream from now on. */
  async attack(scenario: string): Promise<AttackReport> {
    const known = attackNamed(scenario);
    if (!known) throw new UnknownAttackError(scenario);
    const real = await this.load.attack?.(scenario);
    if (real) return real;
    const events = attackEvents(this.server, known, this.now() * 1000);
    this.#pending.push(...events);
    return { scenario, summary: known.summary, events: events.length, real: false };
  }

  async close(): Promise<void> {
    await this.load.close?.();
  }
}

// The lab writes every time with dasTime(): `2019-10-30 00:39:49.990579+00`, in UTC.
function micros(event: DasEvent): number {
  const time = typeof event.startTime === 'string' ? event.startTime : String(event.logTime);
  const [, day, clock, fraction = ''] = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?/.exec(time) ?? [];
  return Date.parse(`${day}T${clock}Z`) * 1000 + Number(fraction.padEnd(6, '0'));
}
