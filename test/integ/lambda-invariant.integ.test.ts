import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, heartbeatEvent, postgresEvent } from '../../lab/src/synthetic-events.js';
import { createDecoder, type Decoder } from '../../src/decode/decoder.js';
import { jsonLog, stdoutDelivery } from '../../src/lambda/delivery.js';
import { handleFirehoseTransform } from '../../src/lambda/firehose-transform.js';
import { handleKinesisBatch } from '../../src/lambda/kinesis-batch.js';
import { lambdaConfig } from '../../src/lambda/lambda-config.js';
import type { FirehoseTransformResponse, KinesisBatchResponse, KinesisEventRecord } from '../../src/lambda/lambda-events.js';
import { RECORD_BOUND_BYTES } from '../../src/lambda/record-input.js';
import { recordLines } from '../../src/lambda/record-lines.js';
import { firehoseEventOf } from '../helpers/lambda-events.js';
import { TextSink } from '../helpers/memory-io.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';

/**
 * The Lambda's invariant, on generated batches: every whole record's events are delivered byte for
 * byte as the same batch, undamaged, delivers them; every damaged record is reported, with its
 * place in the log; and the answer is the contract's (for Kinesis, the first record that fails and
 * every one after it; for Firehose, each record once, in order, Ok / Dropped / ProcessingFailed).
 */

let lab: TestLab;
let streamArn: string;
let decoder: Decoder;
/** Records as RDS makes them, each whole. */
const whole: string[] = [];
/** Damage the producer itself makes: a payload that cannot be read, encrypted and wrapped as RDS would. */
const damaged: Array<{ label: string; data: string }> = [];
/** Whole, but nested deeper than the decoder follows on the function's stack: read, or reported. */
let deep: string;

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** An activity record's text, made by hand: JSON.stringify cannot make one this deep. */
const deepRecordText = (resourceId: string, depth: number) => {
  const event = JSON.stringify(postgresEvent(90, { engineNativeAuditFields: {} }));
  return `{"type":"DatabaseActivityMonitoringRecord","clusterId":"${resourceId}","instanceId":"db-A","databaseActivityEventList":[${event.replace('"engineNativeAuditFields":{}', `"engineNativeAuditFields":{"nested":${nested(depth)}}`)}]}`;
};

beforeAll(async () => {
  lab = await startTestLab();
  const stream = await lab.activityStream({ name: 'lambda-invariant', producer: { recordsPerDataKey: 4 } });
  const other = await lab.activityStream({ name: 'lambda-invariant-other' });
  streamArn = `arn:aws:kinesis:${lab.region}:000000000000:stream/${stream.streamName}`;
  decoder = createDecoder({ kms: lab.clients.kms, resourceId: stream.database.resourceId, threads: 0, maxRecordBytes: RECORD_BOUND_BYTES });
  const id = stream.database.resourceId;
  const encode = async (events: Parameters<typeof activityRecord>[2]) => (await stream.producer.encode(activityRecord(id, 'db-A', events))).toString('base64');
  whole.push(
    await encode([postgresEvent(1), postgresEvent(2)]),
    await encode([heartbeatEvent('2026-01-01 00:00:00.000+00')]),
    await encode([postgresEvent(3, { commandText: "SELECT '\u0000\u001b[31m ☃ 😀 \\'; DROP TABLE t; --'" })]),
    // A huge field: 400 KB of statement, some 2 KB on the stream.
    await encode([postgresEvent(4, { commandText: `SELECT '${'z'.repeat(400 * 1024)}'` }), postgresEvent(5)]),
    (await stream.producer.encodePayload(gzipSync(deepRecordText(id, 500)))).toString('base64'),
    await encode([postgresEvent(6, { dbUserName: 'rdsadmin' }), postgresEvent(7, { errorMessage: 'x'.repeat(5000) })]),
  );
  const valid = Buffer.from(JSON.stringify(activityRecord(id, 'db-A', [postgresEvent(8)])));
  const payload = async (bytes: Uint8Array) => (await stream.producer.encodePayload(bytes)).toString('base64');
  damaged.push(
    { label: 'invalid UTF-8', data: await payload(gzipSync(Buffer.concat([valid.subarray(0, 200), Buffer.from([0xc3, 0x28, 0xff]), valid.subarray(200)]))) },
    { label: 'gzip cut short', data: await payload(gzipSync(valid).subarray(0, -12)) },
    { label: 'not gzip', data: await payload(valid) },
    { label: 'not an activity record', data: await payload(gzipSync('{"type":"something else"}')) },
    {
      label: "another resource's key (wrong encryption context)",
      data: (await other.producer.encode(activityRecord(other.database.resourceId, 'db-B', [postgresEvent(9)]))).toString('base64'),
    },
  );
  deep = (await stream.producer.encodePayload(gzipSync(deepRecordText(id, 20_000)))).toString('base64');
}, 60_000);
afterAll(async () => {
  await decoder?.close();
  await lab?.close();
});

type Damage =
  | { kind: 'none' }
  | { kind: 'bad base64'; at: number; char: string }
  | { kind: 'truncated'; at: number }
  | { kind: 'bit flip'; at: number; bit: number }
  | { kind: 'producer'; which: number }
  | { kind: 'deep' };

interface Item {
  pick: number;
  damage: Damage;
}

const damage: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' } as const) },
  fc.record({ kind: fc.constant('bad base64' as const), at: fc.nat(), char: fc.constantFrom('%', '*', ' ', '\n', '-', '_', '=', 'é') }),
  fc.record({ kind: fc.constant('truncated' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('bit flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('producer' as const), which: fc.nat() }),
  fc.constant({ kind: 'deep' } as const),
);
// Picks repeat: a record sent twice (a producer's retried put) is two records, both delivered.
const batch = (most: number) => fc.array(fc.record({ pick: fc.nat(), damage }), { minLength: 1, maxLength: most });

/** The record's data as the batch carries it, and whether it must be reported. */
function dataOf(item: Item): { data: string; clean: string; mustFail: boolean; mayFail: boolean } {
  const clean = whole[item.pick % whole.length] as string;
  const d = item.damage;
  switch (d.kind) {
    case 'none':
      return { data: clean, clean, mustFail: false, mayFail: false };
    case 'bad base64': {
      const at = d.at % clean.length;
      return { data: clean.slice(0, at) + d.char + clean.slice(at), clean, mustFail: true, mayFail: false };
    }
    case 'truncated':
      return { data: clean.slice(0, d.at % clean.length), clean, mustFail: true, mayFail: false };
    case 'bit flip': {
      // In the Encryption SDK message: every bit of it is authenticated.
      const wrapper = JSON.parse(Buffer.from(clean, 'base64').toString('utf8')) as { databaseActivityEvents: string };
      const message = Buffer.from(wrapper.databaseActivityEvents, 'base64');
      const at = d.at % message.length;
      message[at] = (message[at] as number) ^ (1 << d.bit);
      return {
        data: Buffer.from(JSON.stringify({ ...wrapper, databaseActivityEvents: message.toString('base64') })).toString('base64'),
        clean,
        mustFail: true,
        mayFail: false,
      };
    }
    case 'producer':
      return { data: (damaged[d.which % damaged.length] as (typeof damaged)[number]).data, clean, mustFail: true, mayFail: false };
    case 'deep':
      return { data: deep, clean: deep, mustFail: false, mayFail: true };
  }
}

const sequenceOf = (place: number) => `4959000000000000000000000000000000000000000000${String(1000 + place)}`;

function kinesisRecords(datas: readonly string[]): KinesisEventRecord[] {
  return datas.map((data, place) => ({
    eventSource: 'aws:kinesis',
    eventID: `shardId-000000000000:${sequenceOf(place)}`,
    eventSourceARN: streamArn,
    kinesis: { sequenceNumber: sequenceOf(place), data, approximateArrivalTimestamp: 1767225600 + place, partitionKey: 'pk' },
  }));
}

interface Logged {
  level: string;
  message: string;
  sequenceNumber?: string;
  recordId?: string;
}

async function runKinesis(datas: readonly string[], tuning: { chunkChars?: number; window?: { budget: number; most: number } } = {}) {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const answer: KinesisBatchResponse = await handleKinesisBatch(
    { Records: kinesisRecords(datas) },
    { linesOf: recordLines(lambdaConfig({}), () => decoder), delivery: stdoutDelivery(stdout), log: jsonLog(stderr), ...tuning },
  );
  return { answer, stdout: stdout.text, logged: stderr.lines().map((line) => JSON.parse(line) as Logged) };
}

async function runFirehose(datas: readonly string[]) {
  const stderr = new TextSink();
  const event = firehoseEventOf({ Records: kinesisRecords(datas) }, streamArn);
  const answer: FirehoseTransformResponse = await handleFirehoseTransform(event, {
    linesOf: recordLines(lambdaConfig({}), () => decoder),
    log: jsonLog(stderr),
  });
  return { event, answer, logged: stderr.lines().map((line) => JSON.parse(line) as Logged) };
}

/** Whether the deep record is read on this machine's stack: it is either delivered whole or reported, the same each time. */
let deepFails: boolean | undefined;
async function deepIsReported(): Promise<boolean> {
  deepFails ??= (await runKinesis([deep])).answer.batchItemFailures.length > 0;
  return deepFails;
}

describe('the Lambda on generated batches with damage of every kind', () => {
  it('Kinesis: whole records before the first damaged one delivered byte for byte, that one and every later one reported, its place logged', async () => {
    await fc.assert(
      fc.asyncProperty(
        batch(8),
        fc.record({
          chunkChars: fc.integer({ min: 1, max: 2_000_000 }),
          window: fc.record({ budget: fc.integer({ min: 0, max: 64 * 1024 * 1024 }), most: fc.integer({ min: 1, max: 8 }) }),
        }),
        async (items, tuning) => {
          const made = items.map(dataOf);
          const failsAt = [];
          for (const [place, item] of made.entries()) if (item.mustFail || (item.mayFail && (await deepIsReported()))) failsAt.push(place);
          const cut = failsAt[0] ?? made.length;
          const ran = await runKinesis(
            made.map((item) => item.data),
            tuning,
          );
          const sequences = made.map((_, place) => sequenceOf(place));
          expect(ran.answer).toEqual({ batchItemFailures: sequences.slice(cut).map((itemIdentifier) => ({ itemIdentifier })) });
          // The same records, undamaged, up to the cut: what was delivered, byte for byte.
          const undamaged = await runKinesis(made.slice(0, cut).map((item) => item.clean));
          expect(undamaged.answer).toEqual({ batchItemFailures: [] });
          expect(ran.stdout).toBe(undamaged.stdout);
          if (cut < made.length) expect(ran.logged.some((entry) => entry.level === 'ERROR' && entry.sequenceNumber === sequences[cut])).toBe(true);
          else expect(ran.logged).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  }, 240_000);

  it('Firehose: each record answered once, in order; whole ones as the undamaged batch answers them, damaged ones ProcessingFailed as they came, logged', async () => {
    await fc.assert(
      fc.asyncProperty(batch(6), async (items) => {
        const made = items.map(dataOf);
        const ran = await runFirehose(made.map((item) => item.data));
        const undamaged = await runFirehose(made.map((item) => item.clean));
        expect(ran.answer.records.map((record) => record.recordId)).toEqual(ran.event.records.map((record) => record.recordId));
        for (const [place, item] of made.entries()) {
          const answer = ran.answer.records[place];
          if (item.mustFail) {
            expect(answer).toEqual({ recordId: `record-${place}`, result: 'ProcessingFailed', data: item.data });
            expect(ran.logged.some((entry) => entry.level === 'ERROR' && entry.recordId === `record-${place}`)).toBe(true);
          } else {
            expect(answer).toEqual(undamaged.answer.records[place]);
            if (item.mayFail && answer?.result === 'ProcessingFailed') expect(ran.logged.some((entry) => entry.recordId === `record-${place}`)).toBe(true);
            else expect(answer?.result).toMatch(/^(Ok|Dropped)$/);
          }
        }
      }),
      { numRuns: 30 },
    );
  }, 240_000);
});
