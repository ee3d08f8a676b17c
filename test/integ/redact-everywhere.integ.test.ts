import { FirehoseClient } from '@aws-sdk/client-firehose';
import { S3Client } from '@aws-sdk/client-s3';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dasTime } from '../../lab/src/das-time.js';
import { LAB_CREDENTIALS } from '../../lab/src/lab.js';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { run } from '../../src/cli/run.js';
import type { DasEvent } from '../../src/decode/types.js';
import type { FirehoseTransformResponse, KinesisBatchResponse, KinesisStreamEvent } from '../../src/lambda/lambda-events.js';
import { lambdaRuntime } from '../../src/lambda/runtime.js';
import { duckRows } from '../helpers/duckdb.js';
import { firehoseEventOf, kinesisEventOf } from '../helpers/lambda-events.js';
import { memoryIO, TextSink } from '../helpers/memory-io.js';
import { readOnce } from '../helpers/read-once.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

/**
 * --redact's promise, form by form: a secret a client wrote into its SQL, its bind values or what
 * the engine quoted back never leaves das-read, whichever way the events are written. Each engine's
 * events carry secrets in the places its dialect and its messages put them; each is looked for in
 * everything each form writes: standard output, standard error, files, Parquet columns, Firehose.
 */

const AT = Date.UTC(2026, 0, 1, 10) * 1000;
let next = 100;
/** An event of an engine other than PostgreSQL, shaped as that engine's streams write it (test/fixtures/das-samples). */
function engineEvent(serverType: string, fields: Partial<DasEvent>): DasEvent {
  const n = next++;
  return {
    type: 'record',
    class: 'MAIN',
    clientApplication: 'app',
    command: 'QUERY',
    commandText: '',
    databaseName: 'shop',
    dbProtocol: serverType,
    dbUserName: 'app',
    endTime: null,
    errorMessage: null,
    exitCode: 0,
    logTime: dasTime(AT + n * 1000),
    netProtocol: 'TCP',
    objectName: null,
    objectType: 'TABLE',
    paramList: null,
    pid: 4000 + n,
    remoteHost: '10.0.1.17',
    remotePort: '40001',
    rowCount: 0,
    serverHost: '10.0.1.5',
    serverType,
    serverVersion: '1',
    serviceName: serverType,
    sessionId: 7000 + n,
    startTime: null,
    statementId: n,
    substatementId: 1,
    transactionId: '0',
    ...fields,
  };
}

const POSTGRES: DasEvent[] = [
  postgresEvent(1, {
    class: 'WRITE',
    command: 'INSERT',
    // E'…' with an escaped quote, dollar quoting, U&'…', a card number and PostgreSQL 16's 9_876_543 as numbers, a nested comment.
    commandText:
      "INSERT INTO accounts (email, note, nickname, card, budget) VALUES (E'SECRET-PG-1\\'s', $tag$SECRET-PG-2$tag$, U&'SECRET-PG-3', 4111111111111111, 9_876_543) /* outer /* SECRET-PG-4 */ still SECRET-PG-5 */",
    paramList: [],
    exitCode: '23505',
    errorMessage: 'ERROR: duplicate key value violates unique constraint "accounts_email_key"\nDETAIL: Key (email)=(SECRET-PG-6) already exists.',
  }),
  postgresEvent(2, {
    class: 'WRITE',
    command: 'UPDATE',
    commandText: 'UPDATE profiles SET phone = $1 WHERE profile_id = $2 -- SECRET-PG-7\n',
    paramList: ['SECRET-PG-8', '42'],
  }),
  postgresEvent(3, { class: 'ROLE', command: 'ALTER ROLE', commandText: "ALTER ROLE app_user PASSWORD 'SECRET-PG-9'", paramList: [] }),
];

const MYSQL: DasEvent[] = [
  engineEvent('MySQL', {
    // A double-quoted string, a charset introducer, a card number, a # comment.
    commandText: 'INSERT INTO `customers` (email, note, card) VALUES ("SECRET-MY-1", _utf8mb4\'SECRET-MY-2\', 4222222222222222) # SECRET-MY-3',
    exitCode: 1062,
    errorMessage: "Duplicate entry 'SECRET-MY-4' for key 'customers.email'",
  }),
  engineEvent('MySQL', { commandText: "ALTER USER `shop_admin`@`%` IDENTIFIED BY 'SECRET-MY-5'" }),
  engineEvent('MySQL', { commandText: "SET PASSWORD FOR `shop_owner`@`localhost` = 'SECRET-MY-6'" }),
  engineEvent('MySQL', { commandText: 'SELECT sku FROM orders WHERE coupon = ?', paramList: ['SECRET-MY-7'] }),
];

const ORACLE: DasEvent[] = [
  engineEvent('oracle', {
    class: 'Standard',
    command: 'INSERT',
    commandText: "INSERT INTO payments (iban, memo, amount) VALUES (q'[SECRET-OR-1]', 'SECRET-OR-2', 4333333333333333)",
    exitCode: 1722,
    errorMessage: "ORA-01722: unable to convert string value containing 'SECRET-OR-3' to a number",
  }),
  engineEvent('oracle', { class: 'Standard', command: 'ALTER USER', commandText: 'ALTER USER app_owner IDENTIFIED BY "SECRET-OR-4" REPLACE SECRET_OR_5' }),
  // Oracle's bind values come in its own audit's SQL_BINDS (` #1(11):value`), and other fields quote them back.
  engineEvent('oracle', {
    class: 'Standard',
    command: 'SELECT',
    commandText: 'SELECT status FROM transfers WHERE reference = :1',
    paramList: [],
    engineNativeAuditFields: {
      SQL_BINDS: ' #1(11):SECRET-OR-6',
      SQL_TEXT: 'SELECT status FROM transfers WHERE reference = :1',
      ADDITIONAL_INFO: 'bind SECRET-OR-6 refused',
      UNIFIED_AUDIT_POLICIES: 'ORA_ALL',
    },
  }),
];

const SQLSERVER: DasEvent[] = [
  engineEvent('SQLSERVER', {
    class: 'TABLE',
    command: 'UPDATE',
    // A bracketed name holding a quote before a literal, money, a card number, N'…'.
    commandText: "UPDATE [dbo].[cards] SET [br'acket] = 'SECRET-MS-1', amount = $98765.43, number = 4444444444444444 WHERE holder = N'SECRET-MS-2'",
    exitCode: 0,
    errorMessage:
      "Violation of UNIQUE KEY constraint 'UQ_cards_holder'. Cannot insert duplicate key in object 'dbo.cards'. The duplicate key value is (SECRET-MS-3).",
  }),
  engineEvent('SQLSERVER', {
    class: 'LOGIN',
    command: 'CREATE LOGIN',
    exitCode: 1,
    commandText: "CREATE LOGIN app_login WITH PASSWORD = 'SECRET-MS-4' OLD_PASSWORD = 'SECRET-MS-5'",
  }),
  engineEvent('SQLSERVER', { class: 'LOGIN', command: 'EXECUTE', exitCode: 1, commandText: 'EXEC sp_addlogin app_login2, SECRET_MS_6' }),
  engineEvent('SQLSERVER', {
    class: 'TABLE',
    command: 'SELECT',
    exitCode: 1,
    commandText: "SELECT owner_name FROM vaults WHERE vault_pin = N'SECRET-MS-7'",
    engineNativeAuditFields: {
      additional_information: '<parameter>SECRET-MS-7</parameter>',
      statement: "SELECT owner_name FROM vaults WHERE vault_pin = N'SECRET-MS-7'",
      session_server_principal_name: 'app',
    },
  }),
];

/** Every secret the events carry: none may be written anywhere under --redact. */
const SECRETS = [
  ...Array.from({ length: 9 }, (_, n) => `SECRET-PG-${n + 1}`),
  '4111111111111111',
  '876_543',
  ...Array.from({ length: 7 }, (_, n) => `SECRET-MY-${n + 1}`),
  '4222222222222222',
  ...Array.from({ length: 4 }, (_, n) => `SECRET-OR-${n + 1}`),
  'SECRET_OR_5',
  'SECRET-OR-6',
  '4333333333333333',
  ...Array.from({ length: 5 }, (_, n) => `SECRET-MS-${n + 1}`),
  'SECRET_MS_6',
  'SECRET-MS-7',
  '98765',
  '4444444444444444',
];

/** Names each statement is about (each statement its own), and those its error message gives: redaction keeps them, or the events would tell nothing. */
const NAMES = [
  ...['accounts', 'nickname', 'profiles', 'phone', 'app_user'],
  ...['customers', 'shop_admin', 'shop_owner', 'orders', 'coupon'],
  ...['payments', 'iban', 'app_owner', 'transfers', 'reference'],
  ...['cards', 'holder', "br'acket", 'app_login', 'sp_addlogin', 'vaults', 'vault_pin'],
  ...['accounts_email_key', 'customers.email', 'UQ_cards_holder'],
];

const leaks = (text: string) => SECRETS.filter((secret) => text.includes(secret));
const missing = (text: string, names = NAMES) => names.filter((name) => !text.includes(name));

/** No secret in what a form wrote; the names in it, where the form shows the statements (and their messages). */
function expectRedacted(label: string, text: string, options: { names?: readonly string[] } = { names: NAMES }) {
  expect(leaks(text), `${label} leaks`).toEqual([]);
  if (options.names) expect(missing(text, [...options.names]), `${label} lost the names`).toEqual([]);
}

let lab: TestLab;
let dir: string;
let firehose: FirehoseClient;
let s3: S3Client;
let streamName: string;
let resourceId: string;
let kinesisEvent: KinesisStreamEvent;
const CLUSTER = 'redact-everywhere';
const BUCKET = 'aws-security-data-lake-us-east-1-redact';

beforeAll(async () => {
  lab = await startTestLab();
  dir = await scratchDir('das-read-redact-');
  firehose = new FirehoseClient({ endpoint: lab.endpoint, region: lab.region, credentials: LAB_CREDENTIALS });
  s3 = new S3Client({ endpoint: lab.endpoint, region: lab.region, credentials: LAB_CREDENTIALS, forcePathStyle: true });
  const stream = await lab.activityStream({ name: CLUSTER });
  streamName = stream.streamName;
  resourceId = stream.database.resourceId;
  await stream.put([POSTGRES, MYSQL, ORACLE, SQLSERVER].map((events) => activityRecord(resourceId, 'db-INSTANCE1', events)));
  kinesisEvent = await kinesisEventOf(lab, streamName);
}, 60_000);
afterAll(async () => {
  firehose?.destroy();
  s3?.destroy();
  await lab?.close();
});

/** Every file under `root`, as text; a Parquet file as DuckDB reads every column of every row. */
async function filesText(root: string): Promise<string> {
  const names = (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  const texts = await Promise.all(names.map(async (file) => (file.endsWith('.parquet') ? parquetText([file]) : readFile(file, 'utf8'))));
  return texts.join('\n');
}

async function parquetText(files: string[]): Promise<string> {
  const rows = await duckRows(`SELECT * FROM read_parquet([${files.map((file) => `'${file}'`).join(', ')}])`);
  expect(rows.length).toBeGreaterThan(0);
  return JSON.stringify(rows);
}

/** The statements --summary's table lists, most frequent and failed. */
function summaryStatements(stderr: string): string[] {
  const table = stderr.slice(stderr.indexOf('most frequent statements'), stderr.indexOf('events a minute'));
  expect(table).not.toBe('');
  return [...table.matchAll(/^ +\d+ {2}(.+)$/gm)].map((match) => (match[1] as string).trim());
}

const EVENTS = POSTGRES.length + MYSQL.length + ORACLE.length + SQLSERVER.length;

describe('the events of the four engines, without --redact', () => {
  it('carry every secret, in plain ndjson: what the test looks for is there to find', async () => {
    const plain = await readOnce(lab.endpoint, ['--cluster', CLUSTER, '-o', 'ndjson']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toHaveLength(EVENTS);
    expect(SECRETS.filter((secret) => !plain.stdout.join('\n').includes(secret))).toEqual([]);
    expect(missing(plain.stdout.join('\n'))).toEqual([]);
  });

  it("carry them in Security Lake's Parquet, as DuckDB reads its columns back", async () => {
    const out = join(dir, 'lake-plain');
    const plain = await readOnce(lab.endpoint, ['--cluster', CLUSTER, '--security-lake-dir', out]);
    expect(plain.code, plain.stderr).toBe(0);
    const text = await filesText(out);
    // Each event's statement and message are its own text: a leak would be found where they are.
    expect(leaks(text).length).toBeGreaterThan(SECRETS.length / 2);
    expect(text).toContain('SECRET-OR-6');
  });
});

describe('--redact in every form of a live read', () => {
  it.each([
    ['ndjson', ['-o', 'ndjson']],
    ['pretty, without a terminal', ['-o', 'pretty']],
    ['json', ['-o', 'json']],
    ['ocsf', ['-o', 'ocsf']],
    ['--summary, its events and its table', ['-o', 'ndjson', '--summary']],
  ])('%s: no secret on stdout or stderr or in the checkpoint, the names kept', async (label, args) => {
    const checkpoint = join(dir, `${label.replace(/\W+/g, '-')}.checkpoint.json`);
    const result = await readOnce(lab.endpoint, ['--cluster', CLUSTER, '--redact', ...args, '--checkpoint', checkpoint, '-v']);
    expect(result.code, result.stderr).toBe(0);
    expectRedacted(`${label} stdout`, result.stdout.join('\n'));
    expectRedacted(`${label} stderr`, result.stderr, {});
    if (args.includes('--summary')) {
      // The table's statements are the events' own, folded as --redact folds them.
      const shapes = new Set(
        result.stdout.map((line) =>
          String((JSON.parse(line) as DasEvent).commandText)
            .trim()
            .replace(/\s+/g, ' '),
        ),
      );
      const listed = summaryStatements(result.stderr);
      expect(listed.length).toBeGreaterThanOrEqual(8);
      expect(listed.filter((statement) => !shapes.has(statement))).toEqual([]);
    }
    expectRedacted(`${label} checkpoint`, await readFile(checkpoint, 'utf8'), {});
  });

  it("--summary without --redact: its table folds the statements' literals all the same", async () => {
    const result = await readOnce(lab.endpoint, ['--cluster', CLUSTER, '-o', 'ndjson', '--summary']);
    expect(result.code, result.stderr).toBe(0);
    expect(leaks(result.stdout.join('\n'))).toEqual(SECRETS);
    expectRedacted('--summary table', result.stderr, {});
    const redacted = await readOnce(lab.endpoint, ['--cluster', CLUSTER, '-o', 'ndjson', '--summary', '--redact']);
    expect(summaryStatements(result.stderr)).toEqual(summaryStatements(redacted.stderr));
  });

  it('--security-lake-dir: no secret in any column of its Parquet, as DuckDB reads it back, nor on stderr', async () => {
    const out = join(dir, 'lake-redacted');
    const result = await readOnce(lab.endpoint, ['--cluster', CLUSTER, '--redact', '--security-lake-dir', out, '-v']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\.parquet \(\d+ events\)/);
    expectRedacted('Parquet', await filesText(out));
    expectRedacted('stderr', result.stderr + result.stdout.join('\n'), {});
  });
});

describe('--redact on records kept outside Kinesis and on saved events', () => {
  const FORMS = ['ndjson', 'pretty', 'json', 'ocsf'];

  it.each(FORMS)('decode -o %s, of a Firehose S3 object and of records one a line: no secret written', async (form) => {
    const data = kinesisEvent.Records.map((record) => Buffer.from(record.kinesis.data, 'base64'));
    const object = join(dir, `das-stream-${form}.gz`);
    await writeFile(object, gzipSync(Buffer.concat(data)));
    const lines = join(dir, `records-${form}.txt`);
    await writeFile(lines, data.map((bytes) => bytes.toString('utf8')).join('\n') + '\n');
    for (const file of [object, lines]) {
      const io = memoryIO();
      const code = await run(['decode', file, '--resource-id', resourceId, '--redact', '-o', form, '--endpoint-url', lab.endpoint, '-v'], io);
      expect(code, io.stderr.text).toBe(0);
      expectRedacted(`decode ${file} stdout`, io.stdout.text);
      expectRedacted(`decode ${file} stderr`, io.stderr.text, {});
    }
  });

  it.each(FORMS)('show --redact -o %s of events saved without --redact: no secret shown', async (form) => {
    const saved = join(dir, `saved-${form}.ndjson`);
    const plain = await readOnce(lab.endpoint, ['--cluster', CLUSTER, '-o', 'ndjson']);
    await writeFile(saved, plain.stdout.join('\n') + '\n');
    expect(leaks(await readFile(saved, 'utf8'))).toEqual(SECRETS);
    const io = memoryIO();
    const code = await run(['show', saved, '--redact', '-o', form], io);
    expect(code, io.stderr.text).toBe(0);
    expectRedacted(`show -o ${form} stdout`, io.stdout.text);
    expectRedacted(`show -o ${form} stderr`, io.stderr.text, {});
  });

  it.each(FORMS)('show --summary --redact -o %s: no secret in the events nor in the table', async (form) => {
    const saved = join(dir, `saved-summary-${form}.ndjson`);
    const plain = await readOnce(lab.endpoint, ['--cluster', CLUSTER, '-o', 'ndjson']);
    await writeFile(saved, plain.stdout.join('\n') + '\n');
    const io = memoryIO();
    const code = await run(['show', saved, '--summary', '--redact', '-o', form], io);
    expect(code, io.stderr.text).toBe(0);
    expect(io.stderr.text).toMatch(/events/);
    expectRedacted(`show --summary -o ${form} stdout`, io.stdout.text);
    expectRedacted(`show --summary -o ${form} stderr`, io.stderr.text, {});
  });
});

describe('--redact in the Lambda (REDACT=true)', () => {
  const instance = (env: Record<string, string>) => {
    const stdout = new TextSink();
    const stderr = new TextSink();
    const handler = lambdaRuntime({ env: { REDACT: 'true', ...env }, stdout, stderr, kms: lab.clients.kms, firehose, s3, firehoseRetry: { delayMs: 1 } });
    return { handler, stdout, stderr };
  };

  it.each(['ndjson', 'ocsf'])('OUTPUT=%s from the event source mapping: no secret on stdout or in the log', async (output) => {
    const fn = instance({ OUTPUT: output });
    expect(await (fn.handler(kinesisEvent) as Promise<KinesisBatchResponse>)).toEqual({ batchItemFailures: [] });
    expect(fn.stdout.lines()).toHaveLength(EVENTS);
    expectRedacted(`Lambda ${output} stdout`, fn.stdout.text);
    expectRedacted(`Lambda ${output} log`, fn.stderr.text, {});
  });

  it.each(['ndjson', 'ocsf'])("OUTPUT=%s as Firehose's data transformation: no secret in the records it returns", async (output) => {
    const fn = instance({ OUTPUT: output });
    const answer = (await fn.handler(firehoseEventOf(kinesisEvent))) as FirehoseTransformResponse;
    expect(answer.records.map((record) => record.result)).toEqual(kinesisEvent.Records.map(() => 'Ok'));
    const returned = answer.records.map((record) => Buffer.from(record.data ?? '', 'base64').toString('utf8')).join('');
    expect(returned.split('\n').filter(Boolean)).toHaveLength(EVENTS);
    expectRedacted(`Firehose transform ${output}`, returned);
    expectRedacted(`Firehose transform ${output} log`, fn.stderr.text + fn.stdout.text, {});
  });

  it('delivering to a Firehose stream: no secret in the records delivered', async () => {
    const delivery = lab.firehose.createDeliveryStream('redact-delivery');
    const fn = instance({ FIREHOSE_DELIVERY_STREAM: 'redact-delivery' });
    expect(await (fn.handler(kinesisEvent) as Promise<KinesisBatchResponse>)).toEqual({ batchItemFailures: [] });
    expect(delivery.records).toHaveLength(EVENTS);
    expectRedacted('Firehose delivery', delivery.records.map((data) => data.toString('utf8')).join(''));
    expectRedacted('Firehose delivery log', fn.stderr.text + fn.stdout.text, {});
  });

  it('into a Security Lake bucket: no secret in any column of its Parquet objects, as DuckDB reads them back', async () => {
    lab.s3.createBucket(BUCKET);
    const fn = instance({ SECURITY_LAKE_BUCKET: BUCKET });
    expect(await (fn.handler(kinesisEvent) as Promise<KinesisBatchResponse>)).toEqual({ batchItemFailures: [] });
    const objects = [...lab.s3.objects(BUCKET)];
    expect(objects.length).toBeGreaterThan(0);
    const files = await Promise.all(
      objects.map(async ([, data], index) => {
        const file = join(dir, `lambda-lake-${index}.parquet`);
        await writeFile(file, data);
        return file;
      }),
    );
    expectRedacted('Lambda Security Lake Parquet', await parquetText(files));
    expectRedacted('Lambda Security Lake log', fn.stderr.text + fn.stdout.text, {});
  });
});
