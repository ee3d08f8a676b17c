import { execFile } from 'node:child_process';
import { copyFile, cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { activityRecord, heartbeatEvent, postgresEvent } from '../../lab/src/synthetic-events.js';
import type { KinesisStreamEvent } from '../../src/lambda/lambda-events.js';
import { userEnv } from '../helpers/bin.js';
import { firehoseEventOf, kinesisEventOf, tampered } from '../helpers/lambda-events.js';
import { readOnce } from '../helpers/read-once.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const execute = promisify(execFile);

interface BuildProperties {
  EntryPoints: string[];
  Format: 'esm' | 'cjs';
  OutExtension?: string[];
  MainFields?: string;
  Target: string;
  Minify?: boolean;
  Sourcemap?: boolean;
}

/** The function as `sam build` makes it: esbuild, with the template's own BuildProperties. */
async function bundleAsSamBuilds(outdir: string): Promise<string> {
  // Only the function's metadata is read; the short-form tags elsewhere are left as they are.
  const document = parseDocument(await readFile(join(ROOT, 'deploy', 'template.yaml'), 'utf8'), { customTags: [], logLevel: 'error' });
  const fn = (document.toJS() as { Resources: { DecryptFunction: { Metadata: { BuildProperties: BuildProperties }; Properties: { Handler: string } } } })
    .Resources.DecryptFunction;
  const props = fn.Metadata.BuildProperties;
  const outExtension = Object.fromEntries((props.OutExtension ?? []).map((pair) => pair.split('=') as [string, string]));
  const result = await build({
    entryPoints: props.EntryPoints.map((entry) => join(ROOT, entry)),
    bundle: true,
    platform: 'node',
    format: props.Format,
    target: props.Target,
    ...(props.MainFields ? { mainFields: props.MainFields.split(',') } : {}),
    minify: props.Minify ?? true,
    sourcemap: props.Sourcemap ?? false,
    outExtension,
    outdir,
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  // The one warning `sam build` prints (esbuild says it once, for the first file): the decryption threads'
  // script, and the package's built-in rules, are found through import.meta, which a CommonJS bundle lacks.
  // The function decrypts on its own thread and never looks for the script; it reads the rules from the
  // folder copied beside it (the deploy step).
  expect(result.warnings.map((warning) => `${warning.location?.file ?? ''}: ${warning.text}`)).toEqual([
    expect.stringMatching(/src\/decode\/worker-opener\.ts: "import\.meta" is not available with the "cjs" output format/),
  ]);
  const [module, exported] = fn.Properties.Handler.split('.');
  expect(exported).toBe('handler');
  return join(outdir, `${module}${outExtension['.js'] ?? '.js'}`);
}

/** Runs the handler in a process of its own, as Lambda would: each event in turn, in one warm instance. */
async function invoke(modulePath: string, events: unknown[], env: Record<string, string>) {
  const dir = await scratchDir('das-read-invoke-');
  const eventsFile = join(dir, 'events.json');
  const resultsFile = join(dir, 'results.json');
  await writeFile(eventsFile, JSON.stringify(events));
  const runner = `
    import { readFileSync, writeFileSync } from 'node:fs';
    const { handler } = await import(${JSON.stringify(modulePath)});
    const results = [];
    for (const event of JSON.parse(readFileSync(${JSON.stringify(eventsFile)}, 'utf8'))) {
      // A function error, as Lambda records it: the invocation failed, to be retried whole.
      try { results.push(await handler(event, { getRemainingTimeInMillis: () => 60000 })); } catch (error) { results.push({ errorMessage: error.message }); }
    }
    writeFileSync(${JSON.stringify(resultsFile)}, JSON.stringify(results));`;
  const { stdout, stderr } = await execute(process.execPath, ['--input-type=module', '-e', runner], { env: userEnv(env), maxBuffer: 64 * 1024 * 1024 });
  return {
    results: JSON.parse(await readFile(resultsFile, 'utf8')) as unknown[],
    stdout: stdout.split('\n').filter(Boolean),
    stderr: stderr.split('\n').filter(Boolean),
  };
}

let lab: TestLab;
let bundle: string;
beforeAll(async () => {
  [lab, bundle] = await Promise.all([startTestLab(), scratchDir('das-read-bundle-').then(bundleAsSamBuilds)]);
}, 60_000);
afterAll(async () => {
  await lab?.close();
});

/** Lambda's environment: its region and credentials; the standard variable sends KMS to the lab. */
const lambdaEnv = (extra: Record<string, string> = {}) => ({
  AWS_ENDPOINT_URL_KMS: lab.endpoint,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  ...extra,
});

describe('the function as deployed', () => {
  it('bundled, with REDACT=true: without libpg-query.wasm beside it, every record back for a retry and the log says why; with it, no literal delivered', async () => {
    const stream = await lab.activityStream({ name: 'bundle-redact' });
    await stream.put([
      activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1, { commandText: "SELECT a FROM accounts WHERE email = 'bob@example.com'" })]),
    ]);
    const event = await kinesisEventOf(lab, stream.streamName);
    const without = await invoke(bundle, [event], lambdaEnv({ REDACT: 'true' }));
    expect(without.results).toEqual([{ batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })) }]);
    expect(without.stdout).toEqual([]);
    expect(without.stderr.join('\n')).toContain('libpg-query.wasm');
    // docs/lambda.md's deploy step: the file beside the function's handler.js.
    await copyFile(join(ROOT, 'node_modules', 'libpg-query', 'wasm', 'libpg-query.wasm'), join(dirname(bundle), 'libpg-query.wasm'));
    const ran = await invoke(bundle, [event], lambdaEnv({ REDACT: 'true' }));
    expect(ran.results).toEqual([{ batchItemFailures: [] }]);
    expect(ran.stdout.join('\n')).toContain('SELECT a FROM accounts WHERE email = ?');
    expect(ran.stdout.join('\n')).not.toContain('bob@example.com');
  });

  it.each([
    ['bundled by the template (sam build)', () => bundle],
    ['imported as das-read/lambda', () => join(ROOT, 'dist', 'lambda', 'handler.js')],
  ])(
    '%s: with no configuration, delivers the events on stdout, reports the poison record, and calls KMS once per data key across invocations',
    async (_label, modulePath) => {
      const stream = await lab.activityStream({ name: `bundle-${_label.split(' ')[0]}` });
      await stream.put([
        activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1), postgresEvent(2)]),
        activityRecord(stream.database.resourceId, 'db-A', [heartbeatEvent('2026-01-01 00:00:00.000+00')]),
        activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(3)]),
        activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(4)]),
      ]);
      const event = await kinesisEventOf(lab, stream.streamName);
      const first: KinesisStreamEvent = { Records: event.Records.slice(0, 2) };
      const poisoned = event.Records.slice(2).map((record, place) =>
        place === 1 ? { ...record, kinesis: { ...record.kinesis, data: tampered(record.kinesis.data) } } : record,
      );
      const before = lab.kms.stats.decryptCalls;
      const ran = await invoke(modulePath(), [first, { Records: poisoned }], lambdaEnv());
      expect(ran.results, ran.stderr.join('\n')).toEqual([
        { batchItemFailures: [] },
        { batchItemFailures: [{ itemIdentifier: event.Records[3]?.kinesis.sequenceNumber }] },
      ]);
      expect(lab.kms.stats.decryptCalls - before).toBe(1);
      const cli = await readOnce(lab.endpoint, ['--stream-name', stream.streamName, '-o', 'ndjson']);
      expect(ran.stdout).toEqual(cli.stdout.slice(0, 3));
      // stderr is das-read's own messages, one JSON line each, and nothing else.
      expect(ran.stderr.map((line) => (JSON.parse(line) as { level: string; source: string }).source)).toEqual(['das-read']);
    },
  );

  it('bundled, with DETECT=true: without the rules folder beside it, every record back and the log says why; with it, the built-in rules find a DROP TABLE, in Security Hub', async () => {
    const stream = await lab.activityStream({ name: 'bundle-detect' });
    await stream.put([
      activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1), postgresEvent(2, { dbUserName: 'mallory', commandText: 'DROP TABLE accounts' })]),
      activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(3)]),
    ]);
    const event = await kinesisEventOf(lab, stream.streamName);
    const root = await mkdtemp(join(tmpdir(), 'das-read-task-root-'));
    const module = join(root, 'handler.js');
    await copyFile(bundle, module);
    const env = lambdaEnv({
      DETECT: 'true',
      FINDINGS_TARGET: 'securityhub',
      AWS_ENDPOINT_URL_SECURITYHUB: lab.endpoint,
      AWS_REGION: lab.region,
      AWS_ACCESS_KEY_ID: 'lab',
      AWS_SECRET_ACCESS_KEY: 'lab',
      // Where Lambda puts the function's code, handler.js at its top.
      LAMBDA_TASK_ROOT: root,
    });
    const without = await invoke(module, [event], env);
    expect(without.results).toEqual([{ errorMessage: expect.stringMatching(/built-in rules cannot be read/) }]);
    expect(without.stdout).toEqual([]);
    expect(without.stderr.join('\n')).toMatch(/built-in rules cannot be read/);
    expect(without.stderr.join('\n')).toContain('cp -r ../rules .aws-sam/build/DecryptFunction/');

    // The README's deploy step: the rules folder beside the function's handler.js.
    await cp(join(ROOT, 'rules'), join(root, 'rules'), { recursive: true });
    const before = lab.securityHub.findings().length;
    const ran = await invoke(module, [event], env);
    expect(ran.results, ran.stderr.join('\n')).toEqual([{ batchItemFailures: [] }]);
    expect(ran.stdout).toHaveLength(3);
    const found = lab.securityHub.findings().slice(before);
    expect(found.map((finding) => finding.GeneratorId)).toEqual(['e9946313-01fb-47f7-a5fe-2e20967fdc33']);
    expect(JSON.stringify(found[0])).toContain('mallory');
  });

  it('bundled: a Firehose transform with a filter from the environment, and Firehose delivery through AWS_ENDPOINT_URL_FIREHOSE', async () => {
    const stream = await lab.activityStream({ name: 'bundle-firehose' });
    await stream.put([
      activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1, { dbUserName: 'rdsadmin' }), postgresEvent(2)]),
      activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(3, { dbUserName: 'rdsadmin' })]),
    ]);
    const event = await kinesisEventOf(lab, stream.streamName);
    const transformed = await invoke(bundle, [firehoseEventOf(event)], lambdaEnv({ SKIP_SERVICE_USERS: 'true' }));
    const [answer] = transformed.results as Array<{ records: Array<{ recordId: string; result: string; data: string }> }>;
    expect(answer?.records.map((record) => record.result)).toEqual(['Ok', 'Dropped']);
    expect(Buffer.from(answer?.records[0]?.data ?? '', 'base64').toString('utf8')).toContain('"statementId":2');
    expect(transformed.stdout).toEqual([]);

    const delivery = lab.firehose.createDeliveryStream('bundle-audit');
    const delivered = await invoke(bundle, [event], lambdaEnv({ FIREHOSE_DELIVERY_STREAM: 'bundle-audit', AWS_ENDPOINT_URL_FIREHOSE: lab.endpoint }));
    expect(delivered.results).toEqual([{ batchItemFailures: [] }]);
    expect(delivered.stdout).toEqual([]);
    expect(delivery.records.map((data) => (JSON.parse(data.toString('utf8')) as { statementId: number }).statementId)).toEqual([1, 2, 3]);
  });
});
