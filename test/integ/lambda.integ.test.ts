import { FirehoseClient } from '@aws-sdk/client-firehose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CREDENTIALS } from '../../lab/src/lab.js';
import { activityRecord, heartbeatEvent, postgresEvent } from '../../lab/src/synthetic-events.js';
import { lambdaRuntime, type RuntimeOptions } from '../../src/lambda/runtime.js';
import type { FirehoseTransformResponse, KinesisBatchResponse, KinesisStreamEvent } from '../../src/lambda/lambda-events.js';
import type { DasEvent } from '../../src/decode/types.js';
import { createDecoder } from '../../src/decode/decoder.js';
import { handleFirehoseTransform } from '../../src/lambda/firehose-transform.js';
import { lambdaConfig } from '../../src/lambda/lambda-config.js';
import { recordLines } from '../../src/lambda/record-lines.js';
import { TextSink } from '../helpers/memory-io.js';
import { firehoseEventOf, kinesisEventOf, tampered } from '../helpers/lambda-events.js';
import { readOnce } from '../helpers/read-once.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';

let lab: TestLab;
let firehose: FirehoseClient;
beforeAll(async () => {
  lab = await startTestLab();
  firehose = new FirehoseClient({ endpoint: lab.endpoint, region: lab.region, credentials: LAB_CREDENTIALS });
});
afterAll(async () => {
  firehose?.destroy();
  await lab?.close();
});

/** A function instance: its handler, what it wrote, and how many records it decoded. */
function instance(env: Record<string, string> = {}, options: Partial<RuntimeOptions> = {}) {
  const stdout = new TextSink();
  const handlerStdout = () => (options.stdout ?? stdout) as TextSink;
  const stderr = new TextSink();
  const decoded = { records: 0 };
  const handler = lambdaRuntime({
    env,
    stdout,
    stderr,
    kms: lab.clients.kms,
    firehose,
    firehoseRetry: { delayMs: 1 },
    decoderFor: (resourceId, make) => {
      const decoder = make(resourceId);
      return {
        ...decoder,
        stats: decoder.stats,
        close: () => decoder.close(),
        decode: (record, signal) => (decoded.records++, decoder.decode(record, signal)),
      };
    },
    ...options,
  });
  const logged = () =>
    stderr.lines().map((line) => JSON.parse(line) as { level: string; message: string; reason?: string; hint?: string; sequenceNumber?: string });
  return { handler, stdout, handlerStdout, logged, decoded };
}

const kinesis = (handler: ReturnType<typeof instance>['handler'], event: unknown) => handler(event) as Promise<KinesisBatchResponse>;
const transform = (handler: ReturnType<typeof instance>['handler'], event: unknown) => handler(event) as Promise<FirehoseTransformResponse>;
const events = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DasEvent & { eventId: string; clusterId: string; instanceId: string });

async function streamWith(name: string, records: Array<DasEvent[]>, producer: { recordsPerDataKey?: number } = {}) {
  const stream = await lab.activityStream({ name, producer });
  await stream.put(records.map((list) => activityRecord(stream.database.resourceId, 'db-INSTANCE1', list)));
  return { stream, event: await kinesisEventOf(lab, stream.streamName) };
}

describe('the Lambda handler on the event source mapping', () => {
  it('with no configuration, writes each event on stdout exactly as the CLI writes it, ids included, and reports nothing', async () => {
    const { stream, event } = await streamWith('lambda-plain', [
      [postgresEvent(1), postgresEvent(2)],
      [heartbeatEvent('2026-01-01 00:00:00.000+00')],
      [postgresEvent(3)],
    ]);
    const fn = instance();
    expect(await kinesis(fn.handler, event)).toEqual({ batchItemFailures: [] });
    const cli = await readOnce(lab.endpoint, ['--stream-name', stream.streamName, '-o', 'ndjson']);
    expect(cli.code).toBe(0);
    expect(fn.stdout.lines()).toEqual(cli.stdout);
    const written = events(fn.stdout.text);
    expect(written.map((e) => e.statementId)).toEqual([1, 2, 3]);
    expect(written[0]).toMatchObject({ clusterId: stream.database.resourceId, instanceId: 'db-INSTANCE1' });
    expect(fn.logged()).toEqual([]);
  });

  it('a record it cannot decrypt, and every record after it, are in batchItemFailures; those before it are delivered once', async () => {
    const { event } = await streamWith('lambda-poison', [[postgresEvent(1)], [postgresEvent(2)], [postgresEvent(3)], [postgresEvent(4)]]);
    const records = event.Records;
    (records[1] as (typeof records)[number]).kinesis.data = tampered(records[1]?.kinesis.data ?? '');
    const fn = instance();
    const answer = await kinesis(fn.handler, event);
    expect(answer.batchItemFailures).toEqual(records.slice(1).map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })));
    expect(events(fn.stdout.text).map((e) => e.statementId)).toEqual([1]);
    const [failure] = fn.logged();
    expect(failure).toMatchObject({ level: 'ERROR', sequenceNumber: records[1]?.kinesis.sequenceNumber });
    expect(failure?.reason).toMatch(/decrypt|authenticat|tag/i);
    // Lambda retries from the record reported: with the record mended, the rest is delivered, none twice.
    (records[1] as (typeof records)[number]).kinesis.data =
      (await kinesisEventOf(lab, 'aws-rds-das-' + String(event.Records[0]?.eventSourceARN.split('aws-rds-das-')[1]))).Records[1]?.kinesis.data ?? '';
    expect(await kinesis(fn.handler, { Records: records.slice(1) })).toEqual({ batchItemFailures: [] });
    expect(events(fn.stdout.text).map((e) => e.statementId)).toEqual([1, 2, 3, 4]);
  });

  it.each([
    ['not base64', '%%%not base64%%%', /not JSON|no JSON|record data/i],
    ['malformed JSON', Buffer.from('{"type":"DatabaseActivityMonitoringRecords",').toString('base64'), /JSON/],
    [
      'a wrapper without its key',
      Buffer.from(JSON.stringify({ type: 'DatabaseActivityMonitoringRecords', version: '1.1', databaseActivityEvents: 'AAAA' })).toString('base64'),
      /"key"/,
    ],
  ])('a record that is %s is reported, with the reason in the log', async (_label, data, reason) => {
    const { event } = await streamWith(`lambda-bad-${_label.replace(/\W+/g, '-')}`, [[postgresEvent(1)], [postgresEvent(2)]]);
    (event.Records[1] as (typeof event.Records)[number]).kinesis.data = data;
    const fn = instance();
    const answer = await kinesis(fn.handler, event);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]?.kinesis.sequenceNumber }]);
    expect(fn.logged()[0]?.reason).toMatch(reason);
  });

  it('a throw inside the delivery (a string too long to write) fails its record and every one after it, and the invocation still answers the contract', async () => {
    const { event } = await streamWith('lambda-throwing-stdout', [
      [postgresEvent(1)],
      [postgresEvent(2, { commandText: `SELECT '${'y'.repeat(1_200_000)}'` })],
      [postgresEvent(3)],
      [postgresEvent(4)],
    ]);
    // Standard output as V8 answers a string longer than it makes: RangeError, thrown by the write itself.
    class ShortStdout extends TextSink {
      override write(text: string | Uint8Array, ...rest: unknown[]): boolean {
        if (text.length > 1_100_000) throw new RangeError('Invalid string length');
        return (super.write as (...args: unknown[]) => boolean)(text, ...rest);
      }
    }
    const fn = instance({}, { stdout: new ShortStdout() });
    const stdout = fn.handlerStdout();
    const answer = await kinesis(fn.handler, event);
    expect(answer.batchItemFailures).toEqual(event.Records.slice(1).map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })));
    expect(events(stdout.text).map((e) => e.statementId)).toEqual([1]);
    const failure = fn.logged().find((entry) => entry.sequenceNumber === event.Records[1]?.kinesis.sequenceNumber);
    expect(failure).toMatchObject({ level: 'ERROR' });
    expect(failure?.message).toMatch(/not all delivered: it and the 2 after it are reported/);
  });

  it('a warm instance calls KMS once per data key across invocations; a new data key is one call more', async () => {
    const { event } = await streamWith(
      'lambda-warm',
      [[postgresEvent(1)], [postgresEvent(2)], [postgresEvent(3)], [postgresEvent(4)], [postgresEvent(5)], [postgresEvent(6)]],
      { recordsPerDataKey: 3 },
    );
    const fn = instance();
    const before = lab.kms.stats.decryptCalls;
    await kinesis(fn.handler, { Records: event.Records.slice(0, 2) });
    expect(lab.kms.stats.decryptCalls - before).toBe(1);
    await kinesis(fn.handler, { Records: event.Records.slice(2, 3) });
    expect(lab.kms.stats.decryptCalls - before).toBe(1);
    await kinesis(fn.handler, { Records: event.Records.slice(3) });
    expect(lab.kms.stats.decryptCalls - before).toBe(2);
    expect(events(fn.stdout.text).map((e) => e.statementId)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a key KMS will not open (another resource id) is a failure of the batch, from its first record, with the hint', async () => {
    const { event } = await streamWith('lambda-wrong-id', [[postgresEvent(1)], [postgresEvent(2)]]);
    const fn = instance({ RESOURCE_ID: 'cluster-SOMEONEELSE' });
    const answer = await kinesis(fn.handler, event);
    expect(answer.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(event.Records.map((record) => record.kinesis.sequenceNumber));
    expect(fn.stdout.text).toBe('');
    expect(fn.logged()[0]?.reason).toContain('aws:rds:dbc-id=cluster-SOMEONEELSE');
  });

  it('a stream whose name does not give the resource id fails its records, and says to set RESOURCE_ID', async () => {
    const { event } = await streamWith('lambda-renamed', [[postgresEvent(1)]]);
    const renamed: KinesisStreamEvent = {
      Records: event.Records.map((record) => ({ ...record, eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/audit' })),
    };
    const fn = instance();
    expect((await kinesis(fn.handler, renamed)).batchItemFailures).toHaveLength(1);
    expect(fn.logged()[0]?.hint).toContain('RESOURCE_ID');
    const configured = instance({ RESOURCE_ID: event.Records[0]?.eventSourceARN.split('aws-rds-das-')[1] ?? '' });
    expect(await kinesis(configured.handler, renamed)).toEqual({ batchItemFailures: [] });
  });

  it("filters and redaction are the CLI's, set by the environment", async () => {
    const { stream, event } = await streamWith('lambda-filters', [
      [
        postgresEvent(1, { dbUserName: 'rdsadmin' }),
        postgresEvent(2, { class: 'DDL', command: 'CREATE TABLE', commandText: "CREATE TABLE t (secret text default 'hunter2')" }),
      ],
      [postgresEvent(3, { dbUserName: 'app_reader' })],
    ]);
    const fn = instance({ SKIP_SERVICE_USERS: 'true', EXCLUDE_USERS: 'app_*', REDACT: 'true' });
    await kinesis(fn.handler, event);
    const cli = await readOnce(lab.endpoint, [
      '--stream-name',
      stream.streamName,
      '-o',
      'ndjson',
      '--skip-service-users',
      '--exclude-user',
      'app_*',
      '--redact',
    ]);
    expect(fn.stdout.lines()).toEqual(cli.stdout);
    expect(events(fn.stdout.text).map((e) => e.statementId)).toEqual([2]);
    expect(fn.stdout.text).not.toContain('hunter2');
    const picked = instance({ FIELDS: 'statementId,dbUserName', CLASSES: 'READ' });
    await kinesis(picked.handler, event);
    expect(events(picked.stdout.text)).toEqual([
      { statementId: 1, dbUserName: 'rdsadmin' },
      { statementId: 3, dbUserName: 'app_reader' },
    ]);
  });

  it('an environment it cannot use fails the invocation, naming the variable, in words and in the log', async () => {
    const { event } = await streamWith('lambda-bad-env', [[postgresEvent(1)]]);
    for (const [env, words] of [
      [{ OUTPUT: 'xml' }, /OUTPUT must be one of ndjson/],
      [{ REDACT: 'sure' }, /REDACT must be true or false/],
      [{ GREP: '([' }, /GREP "\(\[" is not a regular expression/],
      [{ RESOURCE_ID: 'prod' }, /RESOURCE_ID "prod" is not a resource id/],
      [{ ERRORS_ONLY: 'true', EXCLUDE_ERRORS: '1' }, /leave nothing/],
    ] as const) {
      const fn = instance(env);
      await expect(fn.handler(event)).rejects.toThrow(words);
      expect(fn.logged()[0]?.message).toMatch(words);
      expect(fn.stdout.text).toBe('');
    }
  });

  it('an event of another kind is refused in words', async () => {
    const fn = instance();
    await expect(fn.handler({ Records: [{ eventSource: 'aws:sqs', body: '{}' }] })).rejects.toThrow(
      /neither a Kinesis batch .* nor a Firehose data transformation/,
    );
    expect(await fn.handler({ Records: [] })).toEqual({ batchItemFailures: [] });
  });
});

describe('delivery to Amazon Data Firehose', () => {
  it('sends every event as one Firehose record, in calls within its limits, and re-sends only what Firehose refused', async () => {
    const many = Array.from({ length: 7 }, (_, r) => Array.from({ length: 100 }, (_, e) => postgresEvent(r * 100 + e)));
    const { event } = await streamWith('lambda-firehose', many);
    const delivery = lab.firehose.createDeliveryStream('das-audit-1');
    let refusals = 0;
    // Firehose under load: a call taken, some of its records refused, once each.
    const refusedOnce = new Set<string>();
    lab.firehose.refuse = (data, place) => {
      const key = data.toString('utf8');
      if (place % 7 !== 3 || refusedOnce.has(key)) return false;
      refusedOnce.add(key);
      refusals++;
      return true;
    };
    const fn = instance({ FIREHOSE_DELIVERY_STREAM: 'das-audit-1' });
    const callsBefore = lab.firehose.calls.length;
    expect(await kinesis(fn.handler, event)).toEqual({ batchItemFailures: [] });
    lab.firehose.refuse = () => false;
    expect(refusals).toBeGreaterThan(50);
    const delivered = delivery.records.map((data) => JSON.parse(data.toString('utf8')) as { statementId: number });
    expect(delivered.map((e) => e.statementId).sort((a, b) => a - b)).toEqual(Array.from({ length: 700 }, (_, n) => n));
    expect(delivery.records.every((data) => data.toString('utf8').endsWith('}\n') && data.toString('utf8').indexOf('\n') === data.length - 1)).toBe(true);
    const calls = lab.firehose.calls.slice(callsBefore);
    expect(Math.max(...calls)).toBeLessThanOrEqual(500);
    expect(calls[0]).toBe(500);
    expect(fn.stdout.text).toBe('');
  });

  it("cuts calls at Firehose's 4 MiB as well as its 500 records: big statements go in calls the service takes", async () => {
    const big = Array.from({ length: 10 }, (_, n) => [postgresEvent(n, { commandText: `SELECT '${String(n).repeat(600 * 1024)}'` })]);
    const { event } = await streamWith('lambda-firehose-bytes', big);
    const delivery = lab.firehose.createDeliveryStream('das-audit-bytes');
    const fn = instance({ FIREHOSE_DELIVERY_STREAM: 'das-audit-bytes' });
    const callsBefore = lab.firehose.calls.length;
    expect(await kinesis(fn.handler, event)).toEqual({ batchItemFailures: [] });
    // Six of these events are more than 4 MiB: Firehose would refuse a call that held them.
    const calls = lab.firehose.calls.slice(callsBefore);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.every((records) => records <= 6)).toBe(true);
    expect(delivery.records.map((data) => (JSON.parse(data.toString('utf8')) as { statementId: number }).statementId)).toEqual(
      Array.from({ length: 10 }, (_, n) => n),
    );
  });

  it('what Firehose keeps refusing is reported from its record on, and nothing is lost when Lambda retries', async () => {
    const { event } = await streamWith('lambda-firehose-down', [[postgresEvent(1)], [postgresEvent(2)], [postgresEvent(3)]]);
    const delivery = lab.firehose.createDeliveryStream('das-audit-2');
    lab.firehose.refuse = (data) => data.toString('utf8').includes('"statementId":2');
    const fn = instance({ FIREHOSE_DELIVERY_STREAM: 'das-audit-2' });
    const answer = await kinesis(fn.handler, event);
    lab.firehose.refuse = () => false;
    expect(answer.batchItemFailures).toEqual(event.Records.slice(1).map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })));
    expect(fn.logged().some((entry) => /did not take 1 of 3 events after 4 attempts .*ServiceUnavailableException/.test(entry.message))).toBe(true);
    expect(await kinesis(fn.handler, { Records: event.Records.slice(1) })).toEqual({ batchItemFailures: [] });
    const ids = delivery.records.map((data) => (JSON.parse(data.toString('utf8')) as { statementId: number }).statementId);
    // At least once: the third event went with the first call, and again with the retry.
    expect(new Set(ids)).toEqual(new Set([1, 2, 3]));
    expect(ids.filter((id) => id === 1)).toHaveLength(1);
  });

  it("a delivery stream that does not exist fails the whole batch, with Firehose's words", async () => {
    const { event } = await streamWith('lambda-firehose-missing', [[postgresEvent(1)]]);
    const fn = instance({ FIREHOSE_DELIVERY_STREAM: 'nowhere' });
    expect((await kinesis(fn.handler, event)).batchItemFailures).toHaveLength(1);
    expect(fn.logged().some((entry) => /ResourceNotFoundException.*nowhere/.test(entry.message))).toBe(true);
  });

  it('an event larger than a Firehose record fails its record, and those after it, instead of being cut; the log names the record', async () => {
    const { event } = await streamWith('lambda-firehose-huge', [
      [postgresEvent(1)],
      [postgresEvent(2, { commandText: `SELECT '${'x'.repeat(1100 * 1024)}'` })],
      [postgresEvent(3)],
    ]);
    const delivery = lab.firehose.createDeliveryStream('das-audit-3');
    const fn = instance({ FIREHOSE_DELIVERY_STREAM: 'das-audit-3' });
    const answer = await kinesis(fn.handler, event);
    expect(answer.batchItemFailures).toEqual(event.Records.slice(1).map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })));
    expect(delivery.records.map((data) => (JSON.parse(data.toString('utf8')) as { statementId: number }).statementId)).toEqual([1]);
    const failure = fn.logged().find((entry) => /larger than a Firehose record/.test(entry.message));
    expect(failure).toMatchObject({ level: 'ERROR', sequenceNumber: event.Records[1]?.kinesis.sequenceNumber });
    expect(failure?.message).toMatch(/\(2 of 3\).*it and the 1 after it are reported/);
  });
});

describe('the Firehose data transformation', () => {
  const decodeData = (data: string) => Buffer.from(data, 'base64').toString('utf8');

  it('answers each record once, in order: Ok with its events, Dropped for a heartbeat, ProcessingFailed with the record as it came', async () => {
    const { event: kinesisEvent } = await streamWith('firehose-transform', [
      [postgresEvent(1), postgresEvent(2)],
      [heartbeatEvent('2026-01-01 00:00:00.000+00')],
      [postgresEvent(3)],
      [postgresEvent(4)],
    ]);
    const event = firehoseEventOf(kinesisEvent);
    const bad = event.records[2] as (typeof event.records)[number];
    bad.data = tampered(bad.data);
    const fn = instance();
    const before = lab.kms.stats.decryptCalls;
    const answer = await transform(fn.handler, event);
    expect(answer.records.map((record) => [record.recordId, record.result])).toEqual([
      ['record-0', 'Ok'],
      ['record-1', 'Dropped'],
      ['record-2', 'ProcessingFailed'],
      ['record-3', 'Ok'],
    ]);
    expect(answer.records[2]?.data).toBe(bad.data);
    expect(events(decodeData(answer.records[0]?.data ?? '')).map((e) => e.statementId)).toEqual([1, 2]);
    expect(events(decodeData(answer.records[3]?.data ?? '')).map((e) => e.statementId)).toEqual([4]);
    // Each record decrypted once; one data key, one KMS call.
    expect(fn.decoded.records).toBe(4);
    expect(lab.kms.stats.decryptCalls - before).toBe(1);
    expect(fn.logged()[0]).toMatchObject({ level: 'ERROR', recordId: 'record-2' });
  });

  it("keeps the events' own times and ids, adding only the record's ids: the CLI's lines", async () => {
    const { stream, event: kinesisEvent } = await streamWith('firehose-times', [[postgresEvent(1), postgresEvent(2)], [postgresEvent(3)]]);
    const fn = instance();
    const answer = await transform(fn.handler, firehoseEventOf(kinesisEvent));
    const lines = answer.records.flatMap((record) => decodeData(record.data).split('\n').filter(Boolean));
    const cli = await readOnce(lab.endpoint, ['--stream-name', stream.streamName, '-o', 'ndjson']);
    expect(lines).toEqual(cli.stdout);
    const first = events(lines.join('\n'))[0];
    expect(first?.logTime).toBe(postgresEvent(1).logTime);
    expect(Object.keys(first ?? {})).toEqual([...Object.keys(postgresEvent(1)), 'clusterId', 'instanceId', 'eventId']);
  });

  it("skips every engine's service users, each spelled as its engine spells it", async () => {
    const engines: DasEvent[] = [
      postgresEvent(1, { dbUserName: 'rdsadmin' }),
      postgresEvent(2, { dbUserName: 'rdsadmin', serverType: 'MySQL' }),
      postgresEvent(3, { dbUserName: 'RDSADMIN', serverType: 'ORACLE' }),
      postgresEvent(4, { dbUserName: 'RDSSEC', serverType: 'ORACLE' }),
      postgresEvent(5, { dbUserName: 'rdsa', serverType: 'SQLSERVER' }),
      postgresEvent(6, { dbUserName: 'RDSA', serverType: 'SQLSERVER' }),
      postgresEvent(7, { dbUserName: 'rdsproxyadmin' }),
      postgresEvent(8, { dbUserName: 'alice', serverType: 'ORACLE' }),
    ];
    const { event } = await streamWith('firehose-service-users', [engines]);
    const fn = instance({ SKIP_SERVICE_USERS: 'yes' });
    const answer = await transform(fn.handler, firehoseEventOf(event));
    expect(events(decodeData(answer.records[0]?.data ?? '')).map((e) => e.statementId)).toEqual([8]);
  });

  it('returns every record of a large batch, within the response limit: what does not fit goes to the error output, not away', async () => {
    const { event: kinesisEvent } = await streamWith(
      'firehose-big',
      Array.from({ length: 12 }, (_, r) => Array.from({ length: 40 }, (_, e) => postgresEvent(r * 40 + e))),
    );
    const event = firehoseEventOf(kinesisEvent);
    const fn = instance();
    const limit = 120_000;
    const answer = await transform(fn.handler, event);
    expect(answer.records.map((record) => record.result)).toEqual(Array(12).fill('Ok'));
    expect(JSON.stringify(answer).length).toBeGreaterThan(limit);
    // The same batch under a smaller limit than Lambda's 6 MB.
    const decoder = createDecoder({ kms: lab.clients.kms, resourceId: event.sourceKinesisStreamArn?.split('aws-rds-das-')[1] ?? '', threads: 0 });
    const warnings: string[] = [];
    const bounded = await handleFirehoseTransform(event, {
      linesOf: recordLines(lambdaConfig({}), () => decoder),
      log: (_level, message) => warnings.push(message),
      responseLimitBytes: limit,
    });
    expect(bounded.records.map((record) => record.recordId)).toEqual(event.records.map((record) => record.recordId));
    expect(JSON.stringify(bounded).length).toBeLessThanOrEqual(limit);
    const results = bounded.records.map((record) => record.result);
    expect(results.filter((result) => result === 'Ok').length).toBeGreaterThan(0);
    expect(results.filter((result) => result === 'ProcessingFailed').length).toBeGreaterThan(0);
    for (const [place, record] of bounded.records.entries()) if (record.result === 'ProcessingFailed') expect(record.data).toBe(event.records[place]?.data);
    expect(warnings.join('\n')).toMatch(/did not fit in Lambda's 120000-byte response/);
    await decoder.close();
  });
});
