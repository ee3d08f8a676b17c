import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_ACCOUNT, LAB_REGION } from '../../lab/src/lab.js';
import { postgresHeartbeat } from '../../lab/src/pgbench-synthetic.js';
import { DasRecordProducer } from '../../lab/src/producer.js';
import { activityRecord, nestedRecordText, postgresEvent } from '../../lab/src/synthetic-events.js';
import { run } from '../../src/cli/run.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import { MAX_EVENT_DEPTH } from '../../src/decode/record-limits.js';
import type { DasEvent } from '../../src/decode/types.js';
import { ExitCode } from '../../src/errors.js';
import { colourless } from '../../src/terminal/color.js';
import { eventFormatter } from '../../src/format/event-format.js';
import { formatted } from '../../src/format/event-formatter.js';
import { prepareRedaction } from '../../src/events/redact.js';
import { VERSION } from '../../src/version.js';
import { memoryIO } from '../helpers/memory-io.js';
import { startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

/**
 * The live read's invariant, over generated streams: every whole record's events are written,
 * byte for byte as das-read's formatter writes the records as they were made; every damaged one
 * is reported with its shard and sequence number (and dead-lettered under --on-error skip); the
 * exit code says which. Each case is a fresh stream of up to ten records on kinesis-local, read
 * three times: under fail, under skip with a checkpoint, and once more from that checkpoint.
 *
 * The trade-off: a read's fixed cost (resolving the stream, KMS, starting threads) is most of a case,
 * so a case holds many records and a run of the suite tries few cases (8, and the examples);
 * INVARIANT_RUNS=40 searches longer. The expected bytes come from das-read's own formatter applied to
 * the events as they were made: what is checked is that nothing between Kinesis and the output
 * (decryption, the threads, the policy, the checkpoint) loses, alters, repeats or misplaces a record;
 * each output's own text is held by its own tests.
 */

let lab: TestLab;
let dir: string;
beforeAll(async () => {
  // The expected text of the redacted form is made here, by the formatter das-read uses.
  await prepareRedaction();
  lab = await startTestLab();
  dir = await scratchDir('das-read-invariant-');
});
afterAll(async () => {
  await lab?.close();
});

/** The bound every case reads with: a record larger once inflated is unreadable. */
const MAX_RECORD_BYTES = 256 * 1024;

// ---- What a case is made of: records, whole or damaged, described before they are made.

const anEvent = fc.record({
  n: fc.nat(1_000_000),
  heartbeat: fc.integer({ min: 0, max: 9 }).map((roll) => roll < 2),
  commandText: fc.string({ unit: 'binary', maxLength: 60 }),
  dbUserName: fc.string({ unit: 'grapheme', maxLength: 12 }),
  // Names a client may give fields, those every object inherits among them.
  extras: fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'clusterId', 'type'), fc.string({ maxLength: 8 })),
      fc.jsonValue({ maxDepth: 3 }),
    ),
    { maxLength: 3 },
  ),
});
type EventPlan = typeof anEvent extends fc.Arbitrary<infer T> ? T : never;

type Plan =
  | { whole: 'events'; events: EventPlan[] }
  | { whole: 'at-depth-bound' }
  | { whole: 'large'; bytes: number }
  | { whole: 'repeat' }
  | { damage: 'truncated'; at: number }
  | { damage: 'bit flip in the message'; at: number; bit: number }
  | { damage: 'bad base64'; field: 'key' | 'databaseActivityEvents'; at: number; char: string }
  | { damage: "another resource's data key" }
  | { damage: 'nested too deep'; depth: number }
  | { damage: 'too large once inflated'; bytes: number }
  | { damage: 'invalid UTF-8 in an event' }
  | { damage: 'a payload that is no activity record'; which: number };

const aPlan: fc.Arbitrary<Plan> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ whole: fc.constant('events' as const), events: fc.array(anEvent, { minLength: 1, maxLength: 3 }) }) },
  fc.constant({ whole: 'at-depth-bound' as const }),
  fc.record({ whole: fc.constant('large' as const), bytes: fc.integer({ min: 100_000, max: 200_000 }) }),
  fc.constant({ whole: 'repeat' as const }),
  fc.record({ damage: fc.constant('truncated' as const), at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }) }),
  {
    weight: 2,
    arbitrary: fc.record({
      damage: fc.constant('bit flip in the message' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
  },
  fc.record({
    damage: fc.constant('bad base64' as const),
    field: fc.constantFrom('key' as const, 'databaseActivityEvents' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    char: fc.constantFrom('*', '%', '!', '\u00e9', '.'),
  }),
  fc.constant({ damage: "another resource's data key" as const }),
  fc.record({ damage: fc.constant('nested too deep' as const), depth: fc.constantFrom(MAX_EVENT_DEPTH + 1, 8_000, 20_000) }),
  fc.record({ damage: fc.constant('too large once inflated' as const), bytes: fc.integer({ min: MAX_RECORD_BYTES + 1, max: 600_000 }) }),
  fc.constant({ damage: 'invalid UTF-8 in an event' as const }),
  fc.record({ damage: fc.constant('a payload that is no activity record' as const), which: fc.nat(4) }),
);

const OUTPUTS: Record<string, { args: string[]; format: Parameters<typeof eventFormatter>[0]; redact?: boolean }> = {
  ndjson: { args: [], format: 'ndjson' },
  json: { args: ['-o', 'json'], format: 'json' },
  ocsf: { args: ['-o', 'ocsf'], format: 'ocsf' },
  redacted: { args: ['--redact', '-o', 'ndjson'], format: 'ndjson', redact: true },
};

// ---- Making the records, as RDS would and as damage would.

/** A record as put: its Data, and its events if it is whole; `keyRefused` if KMS will not open its data key. */
interface Made {
  data: Buffer;
  events?: DasEvent[];
  keyRefused?: boolean;
  what: string;
}

function eventOf(plan: EventPlan): DasEvent {
  const base = plan.heartbeat ? postgresHeartbeat(plan.n) : postgresEvent(plan.n, { commandText: plan.commandText, dbUserName: plan.dbUserName });
  // As text: an object literal would make `__proto__` the prototype, not a field.
  const extras = plan.extras.map(([name, value]) => `,${JSON.stringify(name)}:${JSON.stringify(value)}`).join('');
  return JSON.parse(`${JSON.stringify(base).slice(0, -1)}${extras}}`) as DasEvent;
}

function wrapperOf(data: Buffer): Record<string, string> {
  return JSON.parse(data.toString()) as Record<string, string>;
}

async function make(plan: Plan, stream: TestStream, other: DasRecordProducer, before: Made[]): Promise<Made> {
  const { resourceId } = stream.database;
  const record = (events: DasEvent[]) => activityRecord(resourceId, 'db-A', events);
  const whole = async (events: DasEvent[], what: string): Promise<Made> => ({ data: await stream.producer.encode(record(events)), events, what });
  const damaged = async (data: Buffer | Promise<Buffer>, what: string, keyRefused = false): Promise<Made> => ({
    data: await data,
    what,
    ...(keyRefused ? { keyRefused } : {}),
  });
  const good = () => stream.producer.encode(record([postgresEvent(1)]));
  if ('whole' in plan) {
    switch (plan.whole) {
      case 'events':
        return whole(plan.events.map(eventOf), 'events');
      case 'at-depth-bound': {
        const text = nestedRecordText(resourceId, 'db-A', postgresEvent(2), MAX_EVENT_DEPTH - 1);
        return {
          data: await stream.producer.encodePayload(gzipSync(text)),
          events: (JSON.parse(text) as { databaseActivityEventList: DasEvent[] }).databaseActivityEventList,
          what: plan.whole,
        };
      }
      case 'large':
        return whole([postgresEvent(3, { commandText: `SELECT '${'x'.repeat(plan.bytes)}'` })], `${plan.bytes} bytes`);
      case 'repeat': {
        const last = before.findLast((made) => made.events);
        return last ? { ...last, what: 'a repeat' } : whole([postgresEvent(4)], 'events');
      }
    }
  }
  switch (plan.damage) {
    case 'truncated': {
      const data = await good();
      return damaged(data.subarray(0, 1 + Math.floor(plan.at * (data.length - 1))), plan.damage);
    }
    case 'bit flip in the message': {
      const wrapper = wrapperOf(await good());
      const message = Buffer.from(wrapper.databaseActivityEvents ?? '', 'base64');
      const at = Math.floor(plan.at * message.length);
      message[at] = (message[at] ?? 0) ^ (1 << plan.bit);
      return damaged(
        Buffer.from(JSON.stringify({ ...wrapper, databaseActivityEvents: message.toString('base64') })),
        `${plan.damage} at byte ${at} of ${message.length}`,
      );
    }
    case 'bad base64': {
      const wrapper = wrapperOf(await good());
      const text = wrapper[plan.field] ?? '';
      const at = Math.floor(plan.at * text.length);
      return damaged(
        Buffer.from(JSON.stringify({ ...wrapper, [plan.field]: text.slice(0, at) + plan.char + text.slice(at) })),
        `${plan.damage} in ${plan.field}`,
      );
    }
    case "another resource's data key":
      return damaged(other.encode(record([postgresEvent(5)])), plan.damage, true);
    case 'nested too deep':
      return damaged(stream.producer.encodePayload(gzipSync(nestedRecordText(resourceId, 'db-A', postgresEvent(6), plan.depth))), `nested ${plan.depth} deep`);
    case 'too large once inflated':
      return damaged(stream.producer.encode(record([postgresEvent(7, { commandText: `SELECT '${'y'.repeat(plan.bytes)}'` })])), `${plan.bytes} bytes`);
    case 'invalid UTF-8 in an event': {
      const text = JSON.stringify(record([postgresEvent(8, { commandText: 'SELECT \u0001' })]));
      const [head, tail] = text.split('\\u0001') as [string, string];
      return damaged(
        stream.producer.encodePayload(gzipSync(Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(tail)]))),
        plan.damage,
      );
    }
    case 'a payload that is no activity record': {
      const gzip = gzipSync(JSON.stringify(record([postgresEvent(9)])));
      const payloads = [
        gzip.subarray(0, gzip.length - 12),
        Buffer.from(JSON.stringify(record([postgresEvent(9)]))),
        gzipSync('not json'),
        gzipSync(JSON.stringify({ type: 'DatabaseActivityMonitoringRecord' })),
        gzipSync(JSON.stringify({ type: 'DatabaseActivityMonitoringRecord', databaseActivityEventList: [1] })),
      ];
      return damaged(stream.producer.encodePayload(payloads[plan.which] as Buffer), `${plan.damage} (${plan.which})`);
    }
  }
}

/** Puts the records in order on one shard; each one's place, as Kinesis gives it. */
async function put(streamName: string, made: Made[]): Promise<Array<Made & { shardId: string; sequenceNumber: string }>> {
  const answer = await lab.clients.kinesis.send(
    new PutRecordsCommand({ StreamName: streamName, Records: made.map((record) => ({ Data: record.data, PartitionKey: 'one' })) }),
  );
  return made.map((record, index) => {
    const result = answer.Records?.[index];
    if (!result?.ShardId || !result.SequenceNumber) throw new Error(`kinesis-local refused record ${index}: ${result?.ErrorCode}`);
    return { ...record, shardId: result.ShardId, sequenceNumber: result.SequenceNumber };
  });
}

/** What das-read writes of a whole record, made by its formatter from the events as they were made. */
function expectedOf(record: Made & { shardId: string; sequenceNumber: string }, output: string, clusterId: string): Buffer {
  const { format, redact } = OUTPUTS[output] as (typeof OUTPUTS)[string];
  const decoded = DecodedActivityRecord.of(
    { shardId: record.shardId, sequenceNumber: record.sequenceNumber, version: '1.1', clusterId, instanceId: 'db-A' },
    record.events ?? [],
  );
  const formatter = eventFormatter(format, colourless(), {
    ...(redact ? { redact } : {}),
    ocsf: { region: LAB_REGION, accountId: LAB_ACCOUNT, readerVersion: VERSION },
  });
  const kept = decoded.events.flatMap((event, index) => (event.type === 'heartbeat' ? [] : [index]));
  return Buffer.from(formatted(formatter, decoded, kept));
}

/** Runs das-read in this process; stdout kept as the bytes written. */
async function read(args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const io = memoryIO();
  const chunks: Buffer[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  const code = await run([...args, '--endpoint-url', lab.endpoint, '--no-follow', '--max-record-bytes', String(MAX_RECORD_BYTES)], { ...io, stdout });
  return { code, stdout: Buffer.concat(chunks), stderr: io.stderr.text };
}

let cases = 0;

/** Cases tried first, whatever is generated: the ones an issue found (hardening-2, findings 6 and 10). */
const inheritedNames: EventPlan = {
  n: 11,
  heartbeat: false,
  commandText: "SELECT 'x'",
  dbUserName: 'u',
  extras: [
    ['__proto__', { polluted: 'yes' }],
    ['constructor', 'c'],
    ['toString', 't'],
  ],
};
const EXAMPLES: Array<[Plan[], string, string]> = [
  [[{ whole: 'events', events: [inheritedNames] }, { damage: 'nested too deep', depth: 8_000 }, { whole: 'at-depth-bound' }], 'ocsf', '2'],
  [[{ whole: 'events', events: [inheritedNames] }, { damage: 'nested too deep', depth: 8_000 }, { whole: 'repeat' }], 'json', '0'],
];
/** Cases a run of the suite tries: INVARIANT_RUNS=40 for a longer search. Each costs three reads of a fresh stream. */
const RUNS = Number(process.env.INVARIANT_RUNS ?? 8);

describe('the live read, over generated streams with damaged records', () => {
  it(
    'writes every whole record byte for byte, reports each damaged one by its place, and exits as the first stop says',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(aPlan, { minLength: 1, maxLength: 10 }),
          fc.constantFrom(...Object.keys(OUTPUTS)),
          fc.constantFrom('2', '0'),
          async (plans, output, threads) => {
            const name = `invariant-${++cases}`;
            const stream = await lab.activityStream({ name });
            const other = new DasRecordProducer({ kms: lab.clients.kms, kmsKeyId: stream.keyId, resourceId: 'cluster-SOMEONEELSE' });
            const made: Made[] = [];
            for (const plan of plans) made.push(await make(plan, stream, other, made));
            const records = await put(stream.streamName, made);
            const story =
              `--threads ${threads}, ${output}:\n` +
              records.map((record) => `${record.sequenceNumber.slice(-6)}: ${record.events ? 'whole' : 'damaged'} (${record.what})`).join('\n');
            const clusterId = stream.database.resourceId;
            const args = ['--cluster', name, '--threads', threads, ...(OUTPUTS[output] as (typeof OUTPUTS)[string]).args];

            /** Where a run stops, what it writes before, and with what exit code. */
            const outcomeOf = (stopsAt: (record: Made) => boolean) => {
              const stop = records.findIndex(stopsAt);
              const before = stop === -1 ? records : records.slice(0, stop);
              const stopper = stop === -1 ? undefined : records[stop];
              // A data key KMS refuses is the record's own fault only if a later record opens (exit 3); else the setup's (exit 1).
              const code = !stopper
                ? ExitCode.ok
                : stopper.keyRefused && !records.slice(stop + 1).some((record) => record.events)
                  ? ExitCode.runtime
                  : ExitCode.unreadableRecord;
              return {
                before,
                stopper,
                code,
                written: Buffer.concat(before.filter((record) => record.events).map((record) => expectedOf(record, output, clusterId))),
              };
            };

            // --on-error fail: the whole records before the first damaged one, then a stop naming it.
            const failing = outcomeOf((record) => !record.events);
            const failed = await read(args);
            expect(failed.code, `${story}\n${failed.stderr}`).toBe(failing.code);
            expect(failed.stdout.equals(failing.written), `${story}\nfail: stdout differs`).toBe(true);
            if (failing.stopper) expect(failed.stderr, story).toContain(`${failing.stopper.sequenceNumber} in ${failing.stopper.shardId}`);
            expect(failed.stderr, story).not.toMatch(/likely a bug|\n\s+at /);

            // --on-error skip: every whole record, each damaged one in the dead letter; only a refused data key stops.
            const checkpoint = join(dir, `${name}.checkpoint.json`);
            const deadLetter = join(dir, `${name}.dead.ndjson`);
            const skipping = outcomeOf((record) => record.keyRefused === true);
            const skipped = await read([...args, '--on-error', 'skip', '--dead-letter', deadLetter, '--checkpoint', checkpoint]);
            expect(skipped.code, `${story}\n${skipped.stderr}`).toBe(skipping.code);
            expect(skipped.stdout.equals(skipping.written), `${story}\nskip: stdout differs`).toBe(true);
            const letters = (await readFile(deadLetter, 'utf8'))
              .split('\n')
              .filter(Boolean)
              .map((line) => JSON.parse(line) as { shardId: string; sequenceNumber: string; data: string });
            const damaged = skipping.before.filter((record) => !record.events);
            expect(
              letters.map((letter) => [letter.shardId, letter.sequenceNumber, letter.data]),
              story,
            ).toEqual(damaged.map((record) => [record.shardId, record.sequenceNumber, record.data.toString('base64')]));
            for (const record of damaged) expect(skipped.stderr, story).toContain(`${record.sequenceNumber} in ${record.shardId}`);

            // From the checkpoint: nothing again, unless the run stopped at a refused key, which it meets again.
            const again = await read([...args, '--on-error', 'skip', '--dead-letter', deadLetter, '--checkpoint', checkpoint]);
            expect(again.code, `${story}\n${again.stderr}`).toBe(skipping.stopper ? skipping.code : ExitCode.ok);
            expect(again.stdout.length, `${story}\nagain: stdout not empty`).toBe(0);
          },
        ),
        { numRuns: RUNS, endOnFailure: true, examples: EXAMPLES },
      );
    },
    60_000 + RUNS * 40_000,
  );
});
