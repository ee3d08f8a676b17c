import type { DasEvent } from '../../decode/types.js';
import { fieldText } from '../field-text.js';

/** The database engines whose activity streams das-read reads, each lexed by code made for its dialect. */
export type Engine = 'postgresql' | 'mysql' | 'oracle' | 'sqlserver';

/** From a value such as an event's `serverType` ("PostgreSQL", "MySQL", "oracle", "SQLSERVER") or `dbProtocol` ("Postgres 3.0"). */
export function engineNamed(name: string): Engine | undefined {
  if (/postgres/i.test(name)) return 'postgresql';
  if (/mysql|maria/i.test(name)) return 'mysql';
  if (/oracle/i.test(name)) return 'oracle';
  if (/sql ?server|mssql/i.test(name)) return 'sqlserver';
  return undefined;
}

/** The event's own engine: its `serverType`, else its `dbProtocol`. Undefined when neither names one. */
export function engineOf(event: DasEvent): Engine | undefined {
  return engineNamed(fieldText(event.serverType)) ?? engineNamed(fieldText(event.dbProtocol));
}
