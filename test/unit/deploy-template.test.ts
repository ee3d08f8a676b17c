import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument, YAMLSeq, type Tags } from 'yaml';
import { LAMBDA_VARIABLES } from '../../src/lambda/lambda-config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TEMPLATE = join(ROOT, 'deploy', 'template.yaml');

/** CloudFormation's short forms, as the long forms they stand for. */
const SHORT_FORMS: Tags = [
  ...['Ref', 'Condition'].map((name) => ({ tag: `!${name}`, resolve: (value: string) => ({ [name]: value }) })),
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  ...['Sub', 'Base64', 'ImportValue', 'GetAZs'].map((name) => ({ tag: `!${name}`, resolve: (value: string) => ({ [`Fn::${name}`]: value }) })),
  ...['If', 'Equals', 'Not', 'And', 'Or', 'Select', 'Split', 'Join', 'Sub', 'FindInMap', 'GetAtt', 'Cidr'].map((name) => ({
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (value: YAMLSeq) => ({ [`Fn::${name}`]: value.toJSON() as unknown }),
  })),
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Template {
  Parameters: Record<string, { Type: string; Default?: string | number }>;
  Conditions: Record<string, Json>;
  Resources: Record<string, { Type: string; Properties?: Record<string, Json>; Metadata?: Record<string, Json>; [attribute: string]: Json | undefined }>;
  Outputs: Record<string, Json>;
}

function load(): Template {
  const document = parseDocument(readFileSync(TEMPLATE, 'utf8'), { customTags: SHORT_FORMS });
  expect(document.errors).toEqual([]);
  expect(document.warnings).toEqual([]);
  return document.toJS() as Template;
}

/** Every value under `node`, with the path to it. */
function* walk(node: Json, path: string[] = []): Generator<[string[], Json]> {
  yield [path, node];
  if (Array.isArray(node)) for (const [index, item] of node.entries()) yield* walk(item, [...path, String(index)]);
  else if (node && typeof node === 'object') for (const [key, value] of Object.entries(node)) yield* walk(value, [...path, key]);
}

const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::NoValue',
  'AWS::NotificationARNs',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
];

/**
 * The properties AWS SAM and CloudFormation document for each resource type and nested object
 * this template uses, from their reference pages: a misspelt or invented property fails here
 * instead of at deployment.
 */
const DOCUMENTED: Record<string, readonly string[]> = {
  // docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html
  'AWS::Serverless::Function': [
    'Architectures',
    'AssumeRolePolicyDocument',
    'AutoPublishAlias',
    'AutoPublishAliasAllProperties',
    'AutoPublishCodeSha256',
    'CodeSigningConfigArn',
    'CodeUri',
    'DeadLetterQueue',
    'DeploymentPreference',
    'Description',
    'Environment',
    'EphemeralStorage',
    'EventInvokeConfig',
    'Events',
    'FileSystemConfigs',
    'FunctionName',
    'FunctionUrlConfig',
    'Handler',
    'ImageConfig',
    'ImageUri',
    'InlineCode',
    'KmsKeyArn',
    'Layers',
    'LoggingConfig',
    'MemorySize',
    'PackageType',
    'PermissionsBoundary',
    'Policies',
    'PropagateTags',
    'ProvisionedConcurrencyConfig',
    'RecursiveLoop',
    'ReservedConcurrentExecutions',
    'Role',
    'RolePath',
    'Runtime',
    'RuntimeManagementConfig',
    'SnapStart',
    'SourceKMSKeyArn',
    'Tags',
    'Timeout',
    'Tracing',
    'VersionDescription',
    'VpcConfig',
  ],
  // sam-property-function-kinesis.html
  'Kinesis event': [
    'BatchSize',
    'BisectBatchOnFunctionError',
    'DestinationConfig',
    'Enabled',
    'FilterCriteria',
    'FunctionResponseTypes',
    'KmsKeyArn',
    'MaximumBatchingWindowInSeconds',
    'MaximumRecordAgeInSeconds',
    'MaximumRetryAttempts',
    'MetricsConfig',
    'ParallelizationFactor',
    'StartingPosition',
    'StartingPositionTimestamp',
    'Stream',
    'TumblingWindowInSeconds',
  ],
  // serverless-sam-cli-using-build-typescript.html
  'esbuild BuildProperties': ['EntryPoints', 'External', 'Format', 'Loader', 'MainFields', 'Minify', 'OutExtension', 'Sourcemap', 'SourcesContent', 'Target'],
  // aws-properties-lambda-function-loggingconfig.html
  LoggingConfig: ['ApplicationLogLevel', 'LogFormat', 'LogGroup', 'SystemLogLevel'],
  // aws-resource-iam-role.html
  'AWS::IAM::Role': [
    'AssumeRolePolicyDocument',
    'Description',
    'ManagedPolicyArns',
    'MaxSessionDuration',
    'Path',
    'PermissionsBoundary',
    'Policies',
    'RoleName',
    'Tags',
  ],
  // aws-resource-sqs-queue.html
  'AWS::SQS::Queue': [
    'ContentBasedDeduplication',
    'DeduplicationScope',
    'DelaySeconds',
    'FifoQueue',
    'FifoThroughputLimit',
    'KmsDataKeyReusePeriodSeconds',
    'KmsMasterKeyId',
    'MaximumMessageSize',
    'MessageRetentionPeriod',
    'QueueName',
    'ReceiveMessageWaitTimeSeconds',
    'RedriveAllowPolicy',
    'RedrivePolicy',
    'SqsManagedSseEnabled',
    'Tags',
    'VisibilityTimeout',
  ],
  // aws-resource-logs-loggroup.html
  'AWS::Logs::LogGroup': [
    'DataProtectionPolicy',
    'DeletionProtectionEnabled',
    'FieldIndexPolicies',
    'KmsKeyId',
    'LogGroupClass',
    'LogGroupName',
    'ResourcePolicyDocument',
    'RetentionInDays',
    'Tags',
  ],
};
const RESOURCE_ATTRIBUTES = ['Type', 'Properties', 'Metadata', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy'];

const undocumented = (what: string, value: Json | undefined) =>
  Object.keys((value ?? {}) as object)
    .filter((key) => !(DOCUMENTED[what] ?? []).includes(key))
    .map((key) => `${what}: ${key}`);

/** The actions the Lambda service calls with the function's role, for the function's configuration rather than its code. */
const PLATFORM_ACTIONS: Record<string, string> = {
  'kinesis:DescribeStream': 'the event source mapping',
  'kinesis:DescribeStreamSummary': 'the event source mapping',
  'kinesis:GetRecords': 'the event source mapping',
  'kinesis:GetShardIterator': 'the event source mapping',
  'kinesis:ListShards': 'the event source mapping',
  'sqs:SendMessage': "the mapping's on-failure destination",
  'logs:CreateLogStream': 'the runtime, writing stdout and stderr to the log group',
  'logs:PutLogEvents': 'the runtime, writing stdout and stderr to the log group',
};

/** IAM's service prefix where it is not the SDK client's name. */
const IAM_PREFIX: Record<string, string> = { eventbridge: 'events' };

/** The AWS calls das-read's own code makes in the function: every `…Command` the Lambda and the decoder import from an SDK client. */
function actionsTheCodeCalls(): string[] {
  const dirs = ['src/lambda', 'src/decode'].map((dir) => join(ROOT, dir));
  const calls = dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((file) => /\.(ts|js)$/.test(file))
      .flatMap((file) =>
        [...readFileSync(join(dir, file), 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g)].flatMap((match) =>
          (match[1] ?? '')
            .split(',')
            .map((name) => name.replace(/^\s*type\s+/, '').trim())
            .filter((name) => /Command$/.test(name))
            .map((name) => `${IAM_PREFIX[match[2] ?? ''] ?? match[2]}:${name.replace(/Command$/, '')}`),
        ),
      ),
  );
  return [...new Set(calls)].sort();
}

describe('deploy/template.yaml', () => {
  const template = load();
  const { Resources: resources } = template;
  const fn = resources.DecryptFunction as Template['Resources'][string];
  const properties = fn.Properties as Record<string, Json>;

  it('parses with the short-form tags, and every name it references is declared', () => {
    const declared = new Set([...Object.keys(template.Parameters), ...Object.keys(resources), ...PSEUDO_PARAMETERS]);
    const missing: string[] = [];
    for (const [path, value] of walk(template as unknown as Json)) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
      if (typeof value.Ref === 'string' && !declared.has(value.Ref)) missing.push(`${path.join('.')}: Ref ${value.Ref}`);
      const att = value['Fn::GetAtt'];
      if (Array.isArray(att) && !(String(att[0]) in resources)) missing.push(`${path.join('.')}: GetAtt ${String(att[0])}`);
      const sub = value['Fn::Sub'];
      const text = typeof sub === 'string' ? sub : Array.isArray(sub) ? String(sub[0]) : undefined;
      for (const [, name] of text?.matchAll(/\$\{([^!}][^}]*)\}/g) ?? []) {
        const base = String(name).split('.')[0] ?? '';
        if (!declared.has(String(name)) && !(base in resources)) missing.push(`${path.join('.')}: Sub \${${name}}`);
      }
      const condition = value['Fn::If'];
      if (Array.isArray(condition) && !(String(condition[0]) in template.Conditions)) missing.push(`${path.join('.')}: If ${String(condition[0])}`);
    }
    expect(missing).toEqual([]);
    // The walk sees the references it checks.
    expect(JSON.stringify(template)).toContain('"Ref":"StreamArn"');
  });

  it('uses only the properties AWS SAM and CloudFormation document for each resource type', () => {
    const wrong: string[] = [];
    for (const [name, resource] of Object.entries(resources)) {
      expect(DOCUMENTED[resource.Type], `${name}: ${resource.Type} is in the table`).toBeDefined();
      wrong.push(
        ...undocumented(resource.Type, resource.Properties),
        ...Object.keys(resource)
          .filter((key) => !RESOURCE_ATTRIBUTES.includes(key))
          .map((key) => `${name}: attribute ${key}`),
      );
    }
    const events = Object.values(properties.Events as Record<string, { Type: string; Properties: Json }>);
    for (const event of events) {
      expect(event.Type).toBe('Kinesis');
      wrong.push(...undocumented('Kinesis event', event.Properties));
    }
    wrong.push(...undocumented('LoggingConfig', properties.LoggingConfig));
    expect(fn.Metadata?.BuildMethod).toBe('esbuild');
    wrong.push(...undocumented('esbuild BuildProperties', (fn.Metadata as Record<string, Json>).BuildProperties));
    expect(wrong).toEqual([]);
  });

  it('deploys the function as the issue asks: Node 22 or later, arm64, the entry that exports the handler', () => {
    expect(Number(/^nodejs(\d+)\.x$/.exec(String(properties.Runtime))?.[1])).toBeGreaterThanOrEqual(22);
    expect(properties.Architectures).toEqual(['arm64']);
    const build = (fn.Metadata as { BuildProperties: { EntryPoints: string[]; Target: string } }).BuildProperties;
    const entry = join(ROOT, build.EntryPoints[0] ?? '');
    expect(existsSync(entry)).toBe(true);
    expect(readFileSync(entry, 'utf8')).toMatch(/export const handler\b/);
    expect(String(properties.Handler)).toBe(`${(build.EntryPoints[0] ?? '').split('/').at(-1)?.replace(/\.ts$/, '')}.handler`);
    expect(build.Target).toBe(`node${/^nodejs(\d+)\.x$/.exec(String(properties.Runtime))?.[1]}`);
  });

  it('maps the activity stream with partial batch responses, bisection, bounded retries and an SQS on-failure destination', () => {
    const event = Object.values(properties.Events as Record<string, { Properties: Record<string, Json> }>)[0]?.Properties ?? {};
    expect(event.Stream).toEqual({ Ref: 'StreamArn' });
    expect(event.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(event.BisectBatchOnFunctionError).toBe(true);
    for (const key of [
      'StartingPosition',
      'BatchSize',
      'MaximumBatchingWindowInSeconds',
      'ParallelizationFactor',
      'MaximumRetryAttempts',
      'MaximumRecordAgeInSeconds',
    ]) {
      expect(event[key], key).toEqual({ Ref: key });
    }
    const destination = ((event.DestinationConfig as Record<string, Record<string, Json>>).OnFailure as Record<string, Json>).Destination as {
      'Fn::GetAtt': string[];
    };
    expect(resources[destination['Fn::GetAtt'][0] ?? '']?.Type).toBe('AWS::SQS::Queue');
    for (const name of ['ResourceId', 'StreamArn', 'KeyArn']) expect(template.Parameters[name]?.Default, `${name} has no default`).toBeUndefined();
  });

  it('sets only variables the function reads', () => {
    const variables = Object.keys(((properties.Environment as Record<string, Json>).Variables ?? {}) as object);
    expect(variables.filter((name) => !(LAMBDA_VARIABLES as readonly string[]).includes(name))).toEqual([]);
    expect(variables).toContain('RESOURCE_ID');
  });

  it('grants exactly the actions the code and its event source mapping call, kms:Decrypt only under the encryption context', () => {
    const role = resources[(properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] ?? ''];
    expect(role?.Type).toBe('AWS::IAM::Role');
    expect(role?.Properties?.ManagedPolicyArns).toBeUndefined();
    const statements: Array<Record<string, Json>> = [];
    for (const [, value] of walk(role?.Properties?.Policies ?? null)) {
      if (value && typeof value === 'object' && !Array.isArray(value) && 'Effect' in value && 'Action' in value) statements.push(value);
    }
    const granted = [...new Set(statements.flatMap((statement) => [statement.Action].flat() as string[]))].sort();
    const code = actionsTheCodeCalls();
    expect(code).toEqual(['events:PutEvents', 'firehose:PutRecordBatch', 'kms:Decrypt', 's3:PutObject', 'securityhub:BatchImportFindings']);
    expect(granted).toEqual([...new Set([...code, ...Object.keys(PLATFORM_ACTIONS)])].sort());
    expect(statements.every((statement) => statement.Effect === 'Allow' && statement.Resource !== '*')).toBe(true);
    const decrypts = statements.filter((statement) => statement.Action === 'kms:Decrypt');
    expect(decrypts.map((statement) => Object.keys((statement.Condition as Record<string, Record<string, Json>>).StringEquals ?? {})).sort()).toEqual([
      ['kms:EncryptionContext:aws:rds:db-id'],
      ['kms:EncryptionContext:aws:rds:dbc-id'],
    ]);
    expect(decrypts.every((statement) => JSON.stringify(statement.Resource) === '{"Ref":"KeyArn"}')).toBe(true);
    // Firehose only when a delivery stream is named; S3 only when a Security Lake bucket is, and only under its source.
    expect(JSON.stringify(role?.Properties?.Policies)).toMatch(/"Fn::If":\["UsesFirehose",\{[^}]*"Action":"firehose:PutRecordBatch"/);
    expect(JSON.stringify(role?.Properties?.Policies)).toMatch(
      /"Fn::If":\["UsesSecurityLake",\{[^}]*"Action":"s3:PutObject","Resource":\{"Fn::Sub":"arn:\$\{AWS::Partition\}:s3:::\$\{SecurityLakeBucket\}\/ext\/\$\{SecurityLakeSource\}\/\*"\}/,
    );
  });
});

describe('deploy/template.yaml with Detect', () => {
  const template = load();
  const fn = template.Resources.DecryptFunction as Template['Resources'][string];
  const properties = fn.Properties as Record<string, Json>;
  const policies = JSON.stringify((template.Resources.DecryptRole?.Properties as Record<string, Json>).Policies);
  const event = Object.values(properties.Events as Record<string, { Properties: Record<string, Json> }>)[0]?.Properties ?? {};
  const variables = (properties.Environment as { Variables: Record<string, Json> }).Variables;

  it('gives the mapping a tumbling window, a parameter, only when Detect is on (a windowed invocation must answer with state)', () => {
    expect(event.TumblingWindowInSeconds).toEqual({ 'Fn::If': ['Detects', { Ref: 'TumblingWindowInSeconds' }, { Ref: 'AWS::NoValue' }] });
    const window = template.Parameters.TumblingWindowInSeconds as unknown as { Type: string; MinValue: number; MaxValue: number };
    // Lambda's own range for the setting.
    expect(window).toMatchObject({ Type: 'Number', MinValue: 1, MaxValue: 900 });
    expect(template.Conditions.Detects).toEqual({ 'Fn::Equals': [{ Ref: 'Detect' }, 'true'] });
    expect(template.Parameters.Detect?.Default).toBe('false');
  });

  it('sets the detection variables from their parameters, the built-in rules on by default, and none of them without Detect', () => {
    expect(variables.DETECT).toEqual({ Ref: 'Detect' });
    expect(template.Parameters.BuiltinRules?.Default).toBe('true');
    expect(variables.BUILTIN_RULES).toEqual({ 'Fn::If': ['Detects', { Ref: 'BuiltinRules' }, { Ref: 'AWS::NoValue' }] });
    expect(variables.FINDINGS_TARGET).toEqual({ 'Fn::If': ['Detects', { Ref: 'FindingsTarget' }, { Ref: 'AWS::NoValue' }] });
    expect(variables.EVENT_BUS_NAME).toEqual({ 'Fn::If': ['DetectsToEventBridge', { Ref: 'EventBusName' }, { Ref: 'AWS::NoValue' }] });
    expect(variables.RULES).toEqual({ 'Fn::If': ['DetectsWithOwnRules', { Ref: 'RulesPath' }, { Ref: 'AWS::NoValue' }] });
  });

  it("grants securityhub:BatchImportFindings on the account's own product only for Security Hub, events:PutEvents on the one bus only for EventBridge", () => {
    expect(template.Conditions.DetectsToSecurityHub).toEqual({
      'Fn::And': [{ Condition: 'Detects' }, { 'Fn::Equals': [{ Ref: 'FindingsTarget' }, 'securityhub'] }],
    });
    expect(template.Conditions.DetectsToEventBridge).toEqual({
      'Fn::And': [{ Condition: 'Detects' }, { 'Fn::Equals': [{ Ref: 'FindingsTarget' }, 'eventbridge'] }],
    });
    expect(policies).toMatch(
      /"Fn::If":\["DetectsToSecurityHub",\{[^}]*"Action":"securityhub:BatchImportFindings","Resource":\{"Fn::Sub":"arn:\$\{AWS::Partition\}:securityhub:\$\{AWS::Region\}:\$\{AWS::AccountId\}:product\/\$\{AWS::AccountId\}\/default"\}/,
    );
    expect(policies).toMatch(
      /"Fn::If":\["DetectsToEventBridge",\{[^}]*"Action":"events:PutEvents","Resource":\{"Fn::Sub":"arn:\$\{AWS::Partition\}:events:\$\{AWS::Region\}:\$\{AWS::AccountId\}:event-bus\/\$\{EventBusName\}"\}/,
    );
    // A bus named by ARN would not match the policy's resource: the parameter takes a name.
    expect(
      new RegExp(String((template.Parameters.EventBusName as unknown as { AllowedPattern: string }).AllowedPattern)).test(
        'arn:aws:events:us-east-1:1:event-bus/x',
      ),
    ).toBe(false);
  });
});

describe("docs/lambda.md's table of the function's variables", () => {
  it('names exactly the variables the function reads', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'lambda.md'), 'utf8');
    const table = /<!-- generated:lambda-variables -->\n([\s\S]*?)<!-- \/generated -->/.exec(doc)?.[1] ?? '';
    const named = [...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((row) => [...(row[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]));
    expect(named.slice().sort()).toEqual([...LAMBDA_VARIABLES].sort());
  });
});
