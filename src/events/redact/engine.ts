import type { DasEvent } from '../../decode/types.js';
import { fieldText } from '../field-text.js';

/** The database engines whose activity streams das-read reads, each lexed by code made for its dialect. */
export type Engine = 'postgresql' | 'mysql' | 'oracle' | 'sqlserver';

/** From a value such as an event's `serverType` ("PostgreSQL", "MySQL", "oracle", "SQLSERVER") or `dbProtocol` ("Postgres 3.0"). */
export function engineNamed(name: string): Engine | undefined {
  const named = (
    [
      ['postgresql', /postgres/i],
      ['mysql', /mysql|maria/i],
      ['oracle', /oracle/i],
      ['sqlserver', /sql ?server|mssql/i],
    ] as const
  ).filter(([, pattern]) => pattern.test(name));
  // A name that fits two engines ("MySQL/PostgreSQL") names neither: which dialect is not known.
  return named.length === 1 ? named[0]?.[0] : undefined;
}

/** The event's own engine: its `serverType`, else its `dbProtocol`. Undefined when neither names one. */
export function engineOf(event: DasEvent): Engine | undefined {
  return engineNamed(fieldText(event.serverType)) ?? engineNamed(fieldText(event.dbProtocol));
}
