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

interface VariableSpec {
  /** How the value is read: a comma-separated list (as CloudFormation writes one), one regular expression, a switch, or text. */
  readonly kind: 'list' | 'pattern' | 'switch' | 'text';
  /** The CLI flag the variable stands for, if any. */
  readonly flag?: string;
  /** The filter it sets, for a filter's variable. */
  readonly filter?: keyof EventFilterSpec;
  /** What it holds and does, for the docs (npm run docs). */
  readonly help: string;
  readonly default?: string;
}

/** Every variable the function reads, with the CLI's rules: the docs' table is written from this one (npm run docs). */
export const LAMBDA_ENVIRONMENT = {
  OUTPUT: { kind: 'text', flag: '-o', help: '`ndjson` or `ocsf`', default: '`ndjson`; `ocsf` with `SECURITY_LAKE_BUCKET`' },
  FIREHOSE_DELIVERY_STREAM: { kind: 'text', help: "a delivery stream's name: deliver there instead of the log" },
  SECURITY_LAKE_BUCKET: { kind: 'text', flag: '--security-lake-dir', help: 'a Security Lake bucket: OCSF Parquet objects there instead of the log' },
  SECURITY_LAKE_SOURCE: { kind: 'text', flag: '--security-lake-source', help: "with `SECURITY_LAKE_BUCKET`: the custom source's name", default: 'das-read' },
  RESOURCE_ID: { kind: 'text', flag: '--resource-id', help: "`cluster-…` / `db-…`, when the stream's name does not end with it" },
  USERS: { kind: 'list', flag: '--user', filter: 'users', help: 'comma-separated globs' },
  EXCLUDE_USERS: { kind: 'list', flag: '--exclude-user', filter: 'excludeUsers', help: 'comma-separated globs' },
  DATABASES: { kind: 'list', flag: '--database', filter: 'databases', help: 'comma-separated globs' },
  EXCLUDE_DATABASES: { kind: 'list', flag: '--exclude-database', filter: 'excludeDatabases', help: 'comma-separated globs' },
  CLASSES: { kind: 'list', flag: '--class', filter: 'classes', help: 'comma-separated globs' },
  EXCLUDE_CLASSES: { kind: 'list', flag: '--exclude-class', filter: 'excludeClasses', help: 'comma-separated globs' },
  COMMANDS: { kind: 'list', flag: '--command', filter: 'commands', help: 'comma-separated globs' },
  EXCLUDE_COMMANDS: { kind: 'list', flag: '--exclude-command', filter: 'excludeCommands', help: 'comma-separated globs' },
  OBJECTS: { kind: 'list', flag: '--object', filter: 'objects', help: 'comma-separated globs' },
  EXCLUDE_OBJECTS: { kind: 'list', flag: '--exclude-object', filter: 'excludeObjects', help: 'comma-separated globs' },
  // One regular expression each: a comma is part of many.
  GREP: { kind: 'pattern', flag: '--grep', filter: 'grep', help: 'one regular expression' },
  EXCLUDE_GREP: { kind: 'pattern', flag: '--exclude-grep', filter: 'excludeGrep', help: 'one regular expression' },
  ERRORS_ONLY: { kind: 'switch', flag: '--errors-only', filter: 'errorsOnly', help: '`true` / `false`', default: 'false' },
  EXCLUDE_ERRORS: { kind: 'switch', flag: '--exclude-errors', filter: 'excludeErrors', help: '`true` / `false`', default: 'false' },
  SKIP_SERVICE_USERS: { kind: 'switch', flag: '--skip-service-users', filter: 'skipServiceUsers', help: '`true` / `false`', default: 'false' },
  REDACT: { kind: 'switch', flag: '--redact', help: '`true` / `false`', default: 'false' },
  INCLUDE_HEARTBEATS: { kind: 'switch', flag: '--include-heartbeats', help: '`true` / `false`', default: 'false' },
  FIELDS: { kind: 'list', flag: '--fields', help: 'comma-separated field names' },
  DETECT: { kind: 'switch', help: '`true`: run the Sigma rules over each batch (`das-read detect`), findings to `FINDINGS_TARGET`', default: 'false' },
  BUILTIN_RULES: { kind: 'switch', flag: '--no-builtin-rules', help: "with `DETECT`: `false` leaves out das-read's built-in rules", default: 'true' },
  RULES: { kind: 'list', flag: '--rules', help: 'with `DETECT`: comma-separated rule files or folders, as the function sees them' },
  FINDINGS_TARGET: { kind: 'text', help: 'with `DETECT`: `securityhub` (BatchImportFindings) or `eventbridge` (PutEvents)' },
  EVENT_BUS_NAME: { kind: 'text', help: "with `FINDINGS_TARGET=eventbridge`: the bus's name or ARN", default: "the account's default bus" },
} as const satisfies Record<string, VariableSpec>;

export type LambdaVariable = keyof typeof LAMBDA_ENVIRONMENT;

/** Every variable the function reads, for the template's test. */
export const LAMBDA_VARIABLES = Object.keys(LAMBDA_ENVIRONMENT) as LambdaVariable[];

const filterVariables = (kind: VariableSpec['kind']) =>
  Object.entries(LAMBDA_ENVIRONMENT as Record<LambdaVariable, VariableSpec>).flatMap(([name, spec]) =>
    spec.kind === kind && spec.filter ? [[name, spec.filter] as const] : [],
  );

type Environment = Readonly<Record<string, string | undefined>>;

/** The environment, checked: a mistake in it is said in words, naming the variable, at the first invocation. */
export function lambdaConfig(env: Environment): LambdaConfig {
  const filter: Record<string, unknown> = {};
  for (const [name, key] of filterVariables('list')) {
    const values = listOf(env[name]);
    if (values) filter[key] = values;
  }
  for (const [name, key] of filterVariables('pattern')) {
    const pattern = present(env[name]);
    if (pattern === undefined) continue;
    try {
      new RegExp(pattern, 'is');
    } catch (error) {
      throw configError(name, `"${pattern}" is not a regular expression: ${(error as Error).message}`);
    }
    filter[key] = [pattern];
  }
  for (const [name, key] of filterVariables('switch')) if (switchOf(env, name)) filter[key] = true;
  if (filter.errorsOnly && filter.excludeErrors) throw configError('ERRORS_ONLY', 'and EXCLUDE_ERRORS are both on: they leave nothing to deliver');
  compileFilter(filter as EventFilterSpec);
  const bucket = present(env.SECURITY_LAKE_BUCKET);
  const source = present(env.SECURITY_LAKE_SOURCE) ?? LAMBDA_ENVIRONMENT.SECURITY_LAKE_SOURCE.default;
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
