import { isIP } from 'node:net';
import type { DasEvent } from '../decode/types.js';
import { parseDasTime } from './das-time.js';
import { isFailure } from './outcome.js';
import { isServiceUser } from './filter.js';
import { fieldText } from './field-text.js';

/**
 * One DAS event as one OCSF 1.1.0 Datastore Activity event (class 6005), the version Amazon
 * Security Lake reads. The mapping, field by field, is the README's table: keep them in step.
 * Every field of the event with no home in OCSF is kept under `unmapped`, so nothing is lost.
 */

export const OCSF_VERSION = '1.1.0';
const CATEGORY_UID = 6;
const CLASS_UID = 6005;

/** OCSF's Datastore Activity activities. */
export const ACTIVITY = { Other: 99, Read: 1, Update: 2, Connect: 3, Query: 4, Write: 5, Create: 6, Delete: 7 } as const;
type ActivityName = keyof typeof ACTIVITY;

/** What the event does not say and the reader knows: where it runs, and the event's id. */
export interface OcsfContext {
  /** `cluster-…` (empty for RDS instances) and `db-…`, from the record. */
  clusterId: string | null;
  instanceId: string | null;
  eventId: string;
  region?: string;
  accountId?: string;
  /** das-read's version, in metadata.product's feature, when known. */
  readerVersion?: string;
}

export type OcsfEvent = Record<string, unknown>;

/** The engines as `serverType` names them: the database's type, and the AWS service it is. */
const ENGINES: Record<string, { type: string; product: string }> = {
  POSTGRESQL: { type: 'Aurora PostgreSQL', product: 'Amazon Aurora PostgreSQL' },
  MYSQL: { type: 'Aurora MySQL', product: 'Amazon Aurora MySQL' },
  ORACLE: { type: 'RDS for Oracle', product: 'Amazon RDS for Oracle' },
  SQLSERVER: { type: 'RDS for SQL Server', product: 'Amazon RDS for SQL Server' },
};

/** Commands (the first word or two; Aurora MySQL's QUERY: the statement's first word), by activity. */
const ACTIVITY_OF_COMMAND: Array<[RegExp, ActivityName]> = [
  [/^(CONNECT|LOGON|LOGIN( SUCCEEDED| FAILED)?|AUTH FAILURE|FAILED_CONNECT|CHANGEUSER)$/, 'Connect'],
  [/^(SELECT|READ|WITH|SHOW|DESCRIBE|DESC|EXPLAIN|FETCH)\b/, 'Read'],
  [/^(INSERT|WRITE|COPY|LOAD|REPLACE)\b/, 'Write'],
  [/^(UPDATE|MERGE|UPSERT)\b/, 'Update'],
  [/^(DELETE|DROP|TRUNCATE)\b/, 'Delete'],
  [/^CREATE\b/, 'Create'],
  [/^QUERY$/, 'Query'],
];

/** The OCSF activity of an event: by its command, or for Aurora MySQL's QUERY by its statement. */
export function activityOf(event: DasEvent): ActivityName {
  const command = fieldText(event.command).trim().toUpperCase();
  const statement = command === 'QUERY' && typeof event.commandText === 'string' ? event.commandText.trim().toUpperCase() : '';
  for (const said of statement ? [statement, command] : [command]) {
    for (const [pattern, activity] of ACTIVITY_OF_COMMAND) if (pattern.test(said)) return activity;
  }
  return 'Other';
}

/** The DAS fields the mapping gives a home: the rest go under `unmapped`. */
const MAPPED = new Set([
  // startTime and endTime stay under unmapped too: OCSF's times are milliseconds, theirs microseconds.
  'type',
  'logTime',
  'dbUserName',
  'sessionId',
  'pid',
  'remoteHost',
  'remotePort',
  'serverHost',
  'databaseName',
  'objectName',
  'objectType',
  'commandText',
  'exitCode',
  'errorMessage',
  'serverType',
  'serverVersion',
  'command',
]);

/** string_t's bound in OCSF's dictionary: a longer statement is cut there, and kept whole under `unmapped`. */
const MAX_STRING = 65_535;

/** The engine `serverType` names: its database type and AWS product, for this mapping and the findings'. */
export function engineOf(serverType: unknown): { type: string; product: string } | undefined {
  const name = fieldText(serverType).toUpperCase();
  return Object.hasOwn(ENGINES, name) ? ENGINES[name] : undefined;
}

/** metadata.product, as every OCSF event das-read writes names it. */
export function productOf(serverType: unknown, readerVersion: string | undefined): Record<string, unknown> {
  return {
    name: engineOf(serverType)?.product ?? 'Amazon RDS',
    vendor_name: 'AWS',
    feature: { name: `Database Activity Streams, read by das-read${readerVersion ? ` ${readerVersion}` : ''}` },
  };
}

export function toOcsf(event: DasEvent, context: OcsfContext): OcsfEvent {
  const engine = engineOf(event.serverType);
  const activity = activityOf(event);
  const activityId = ACTIVITY[activity];
  const time = momentOf(event.logTime) ?? momentOf(event.endTime) ?? momentOf(event.startTime);
  const failed = isFailure(event);
  // Without a prototype, a field named __proto__ is a field like any other, not the object's prototype.
  const unmapped = Object.create(null) as Record<string, unknown>;
  for (const [field, value] of Object.entries(event)) if (!MAPPED.has(field)) unmapped[field] = value;
  if (activity !== 'Other' && event.command !== undefined) unmapped.command = event.command;
  // Only a table is OCSF's table; Oracle's objectType is the schema, and other types have no object of their own.
  const isTable = fieldText(event.objectType).toUpperCase() === 'TABLE';
  if (event.objectType !== undefined) unmapped.objectType = event.objectType;
  if (!isTable && event.objectName !== undefined && event.objectName !== null) unmapped.objectName = event.objectName;
  if (typeof event.commandText === 'string' && event.commandText.length > MAX_STRING) unmapped.commandText = event.commandText;
  if (time === undefined) unmapped.logTime = event.logTime;
  if (context.clusterId) unmapped.clusterId = context.clusterId;
  if (context.instanceId) unmapped.instanceId = context.instanceId;
  if (event.serverVersion !== undefined) unmapped.serverVersion = event.serverVersion;
  if (event.serverType !== undefined) unmapped.serverType = event.serverType;

  const user = text(event.dbUserName);
  const session = text(event.sessionId);
  const pid = integer(event.pid);
  const actor = {
    ...(user !== undefined ? { user: { name: user, ...(isServiceUser(event) ? { type_id: 3, type: 'System' } : { type_id: 1, type: 'User' }) } } : {}),
    ...(session !== undefined ? { session: { uid: session } } : {}),
    ...(pid !== undefined ? { process: { pid } } : {}),
  };
  const database = {
    ...(text(event.databaseName) !== undefined ? { name: text(event.databaseName) } : {}),
    type: engine?.type ?? text(event.serverType) ?? 'Unknown',
    type_id: 1,
    uid: context.instanceId || context.clusterId || 'unknown',
  };
  const start = momentOf(event.startTime);
  const end = momentOf(event.endTime);
  const statement = text(event.commandText);
  const code = event.exitCode === null || event.exitCode === undefined || event.exitCode === '' ? undefined : fieldText(event.exitCode);
  const detail = text(event.errorMessage)?.trim() ? text(event.errorMessage) : undefined;
  return {
    category_uid: CATEGORY_UID,
    category_name: 'Application Activity',
    class_uid: CLASS_UID,
    class_name: 'Datastore Activity',
    activity_id: activityId,
    activity_name: activity === 'Other' ? (text(event.command) ?? 'Other') : activity,
    type_uid: CLASS_UID * 100 + activityId,
    type_name: `Datastore Activity: ${activity === 'Other' ? 'Other' : activity}`,
    time: time ?? 0,
    ...(start !== undefined ? { start_time: start } : {}),
    ...(end !== undefined ? { end_time: end } : {}),
    timezone_offset: 0,
    severity_id: failed ? (activity === 'Connect' ? 3 : 2) : 1,
    severity: failed ? (activity === 'Connect' ? 'Medium' : 'Low') : 'Informational',
    status_id: failed ? 2 : 1,
    status: failed ? 'Failure' : 'Success',
    ...(code !== undefined ? { status_code: code } : {}),
    ...(detail !== undefined ? { status_detail: detail } : {}),
    actor: Object.keys(actor).length ? actor : { user: { name: 'unknown', type_id: 0 } },
    src_endpoint: endpointOf(event.remoteHost, event.remotePort),
    ...(text(event.serverHost) !== undefined ? { dst_endpoint: endpointOf(event.serverHost, undefined) } : {}),
    database,
    ...(isTable && text(event.objectName) !== undefined ? { table: { name: text(event.objectName) } } : {}),
    ...(statement !== undefined ? { query_info: { query_string: statement.slice(0, MAX_STRING) } } : {}),
    cloud: {
      provider: 'AWS',
      ...(context.region ? { region: context.region } : {}),
      ...(context.accountId ? { account: { uid: context.accountId, type_id: 10, type: 'AWS Account' } } : {}),
    },
    metadata: {
      version: OCSF_VERSION,
      uid: context.eventId,
      ...(typeof event.logTime === 'string' ? { original_time: event.logTime } : {}),
      product: productOf(event.serverType, context.readerVersion),
      log_name: 'Database Activity Stream',
      log_provider: 'das-read',
      ...(text(event.serverVersion) !== undefined ? { log_version: text(event.serverVersion) } : {}),
      ...(event.command !== undefined && event.command !== null ? { event_code: fieldText(event.command) } : {}),
      profiles: ['cloud'],
    },
    unmapped,
  };
}

function momentOf(value: unknown): number | undefined {
  return typeof value === 'string' ? parseDasTime(value)?.getTime() : undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function integer(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : undefined;
}

/** An address as OCSF takes it: an IP, else a host name, else its text as the endpoint's name. */
export function endpointOf(host: unknown, port: unknown): Record<string, unknown> {
  const name = text(host);
  const number = integer(port);
  const where = name === undefined ? { name: 'unknown' } : isIP(name) ? { ip: name } : HOSTNAME.test(name) ? { hostname: name } : { name };
  return { ...where, ...(number !== undefined && number <= 65_535 ? { port: number } : {}) };
}

const HOSTNAME = /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;
