import { compileFilter, UsageError, type EventFilterSpec } from '../index.js';

/** What the function does, as its environment says; with none, every event as NDJSON on stdout. */
export interface LambdaConfig {
  output: LambdaOutput;
  filter: EventFilterSpec;
  redact: boolean;
  includeHeartbeats: boolean;
  fields?: string[];
  /** `cluster-…` or `db-…`, when the stream's name does not say it (or Firehose was sent records directly). */
  resourceId?: string;
  /** An Amazon Data Firehose delivery stream to deliver to, instead of stdout (CloudWatch Logs). */
  firehoseDeliveryStream?: string;
  /** An Amazon Security Lake custom source to deliver to, as Parquet objects: the lake's bucket and the source's name. */
  securityLake?: { bucket: string; source: string };
  /** DETECT=true: Sigma rules over the events, their findings sent to Security Hub or an EventBridge bus. */
  detect?: DetectConfig;
}

export type FindingsTargetName = 'securityhub' | 'eventbridge';
const TARGETS: readonly FindingsTargetName[] = ['securityhub', 'eventbridge'];

export interface DetectConfig {
  /** The built-in rules (BUILTIN_RULES, on unless false). */
  builtin: boolean;
  /** RULES: more rule files or folders, as the function sees them (a layer's /opt/…, or beside handler.js). */
  paths: string[];
  target: FindingsTargetName;
  /** EVENT_BUS_NAME, for eventbridge: a name or ARN; the account's default bus when unset. */
  eventBusName: string;
}

export type LambdaOutput = 'ndjson' | 'ocsf';
const OUTPUTS: readonly LambdaOutput[] = ['ndjson', 'ocsf'];

/** The CLI's filter flags, as variables: a list is comma-separated, as CloudFormation writes one. */
const LISTS = {
  USERS: 'users',
  EXCLUDE_USERS: 'excludeUsers',
  DATABASES: 'databases',
  EXCLUDE_DATABASES: 'excludeDatabases',
  CLASSES: 'classes',
  EXCLUDE_CLASSES: 'excludeClasses',
  COMMANDS: 'commands',
  EXCLUDE_COMMANDS: 'excludeCommands',
  OBJECTS: 'objects',
  EXCLUDE_OBJECTS: 'excludeObjects',
} as const satisfies Record<string, keyof EventFilterSpec>;

/** One regular expression each: a comma is part of many. */
const PATTERNS = { GREP: 'grep', EXCLUDE_GREP: 'excludeGrep' } as const satisfies Record<string, keyof EventFilterSpec>;

const SWITCHES = { ERRORS_ONLY: 'errorsOnly', EXCLUDE_ERRORS: 'excludeErrors', SKIP_SERVICE_USERS: 'skipServiceUsers' } as const satisfies Record<
  string,
  keyof EventFilterSpec
>;

/** Every variable the function reads, for its README table and the template. */
export const LAMBDA_VARIABLES = [
  'OUTPUT',
  'FIREHOSE_DELIVERY_STREAM',
  'SECURITY_LAKE_BUCKET',
  'SECURITY_LAKE_SOURCE',
  'RESOURCE_ID',
  ...Object.keys(LISTS),
  ...Object.keys(PATTERNS),
  ...Object.keys(SWITCHES),
  'REDACT',
  'INCLUDE_HEARTBEATS',
  'FIELDS',
  'DETECT',
  'BUILTIN_RULES',
  'RULES',
  'FINDINGS_TARGET',
  'EVENT_BUS_NAME',
] as const;

type Environment = Readonly<Record<string, string | undefined>>;

/** The environment, checked: a mistake in it is said in words, naming the variable, at the first invocation. */
export function lambdaConfig(env: Environment): LambdaConfig {
  const filter: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(LISTS)) {
    const values = listOf(env[name]);
    if (values) filter[key] = values;
  }
  for (const [name, key] of Object.entries(PATTERNS)) {
    const pattern = present(env[name]);
    if (pattern === undefined) continue;
    try {
      new RegExp(pattern, 'is');
    } catch (error) {
      throw configError(name, `"${pattern}" is not a regular expression: ${(error as Error).message}`);
    }
    filter[key] = [pattern];
  }
  for (const [name, key] of Object.entries(SWITCHES)) if (switchOf(env, name)) filter[key] = true;
  if (filter.errorsOnly && filter.excludeErrors) throw configError('ERRORS_ONLY', 'and EXCLUDE_ERRORS are both on: they leave nothing to deliver');
  compileFilter(filter as EventFilterSpec);
  const bucket = present(env.SECURITY_LAKE_BUCKET);
  const source = present(env.SECURITY_LAKE_SOURCE) ?? 'das-read';
  if (!bucket && present(env.SECURITY_LAKE_SOURCE)) throw configError('SECURITY_LAKE_SOURCE', 'goes with SECURITY_LAKE_BUCKET');
  if (bucket && present(env.FIREHOSE_DELIVERY_STREAM)) throw configError('SECURITY_LAKE_BUCKET', 'and FIREHOSE_DELIVERY_STREAM are both set: deliver to one');
  if (bucket && present(env.OUTPUT) && present(env.OUTPUT) !== 'ocsf')
    throw configError('OUTPUT', `is ${present(env.OUTPUT)}: Security Lake takes OCSF (leave OUTPUT unset, or ocsf)`);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(source)) throw configError('SECURITY_LAKE_SOURCE', `"${source}" is not a custom source name (letters, digits, - and _)`);
  const output = present(env.OUTPUT) ?? (bucket ? 'ocsf' : 'ndjson');
  if (!(OUTPUTS as readonly string[]).includes(output)) throw configError('OUTPUT', `must be one of ${OUTPUTS.join(', ')} (it is "${output}")`);
  const resourceId = present(env.RESOURCE_ID);
  if (resourceId !== undefined && !/^(cluster|db)-[A-Za-z0-9]+$/.test(resourceId)) {
    throw configError('RESOURCE_ID', `"${resourceId}" is not a resource id: it looks like cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ or db-ABCDEFGHIJKLMNOPQRSTUVWXYZ`);
  }
  const fields = listOf(env.FIELDS);
  if (output === 'ocsf' && fields) throw configError('FIELDS', 'does not go with OUTPUT=ocsf: an OCSF event keeps the attributes its schema requires');
  if (output === 'ocsf' && switchOf(env, 'INCLUDE_HEARTBEATS'))
    throw configError('INCLUDE_HEARTBEATS', 'does not go with OUTPUT=ocsf: a heartbeat is no database activity');
  const firehoseDeliveryStream = present(env.FIREHOSE_DELIVERY_STREAM);
  const detect = detectConfig(env);
  return {
    output: output as LambdaOutput,
    filter: filter as EventFilterSpec,
    redact: switchOf(env, 'REDACT'),
    includeHeartbeats: switchOf(env, 'INCLUDE_HEARTBEATS'),
    ...(fields ? { fields } : {}),
    ...(resourceId ? { resourceId } : {}),
    ...(firehoseDeliveryStream ? { firehoseDeliveryStream } : {}),
    ...(bucket ? { securityLake: { bucket, source } } : {}),
    ...(detect ? { detect } : {}),
  };
}

function detectConfig(env: Environment): DetectConfig | undefined {
  if (!switchOf(env, 'DETECT')) {
    for (const name of ['BUILTIN_RULES', 'RULES', 'FINDINGS_TARGET', 'EVENT_BUS_NAME'])
      if (present(env[name]) !== undefined) throw configError(name, 'goes with DETECT=true');
    return undefined;
  }
  const target = present(env.FINDINGS_TARGET);
  if (target === undefined) throw configError('FINDINGS_TARGET', `must say where findings go with DETECT=true: ${TARGETS.join(' or ')}`);
  if (!(TARGETS as readonly string[]).includes(target)) throw configError('FINDINGS_TARGET', `must be one of ${TARGETS.join(', ')} (it is "${target}")`);
  const eventBusName = present(env.EVENT_BUS_NAME);
  if (eventBusName !== undefined && target !== 'eventbridge') throw configError('EVENT_BUS_NAME', 'goes with FINDINGS_TARGET=eventbridge');
  const builtin = present(env.BUILTIN_RULES) === undefined ? true : switchOf(env, 'BUILTIN_RULES');
  const paths = listOf(env.RULES) ?? [];
  if (!builtin && paths.length === 0) throw configError('BUILTIN_RULES', 'is false and RULES names none: there are no rules to run');
  return { builtin, paths, target: target as FindingsTargetName, eventBusName: eventBusName ?? 'default' };
}

const present = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

function listOf(value: string | undefined): string[] | undefined {
  const items = present(value)
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items?.length ? items : undefined;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function switchOf(env: Environment, name: string): boolean {
  const value = present(env[name])?.toLowerCase();
  if (value === undefined || FALSE.has(value)) return false;
  if (TRUE.has(value)) return true;
  throw configError(name, `must be true or false (it is "${env[name]}")`);
}

function configError(name: string, problem: string): UsageError {
  return new UsageError(
    `the function's environment: ${name} ${problem}`,
    "Fix the variable in the function's configuration (deploy/template.yaml sets them from its parameters).",
  );
}
