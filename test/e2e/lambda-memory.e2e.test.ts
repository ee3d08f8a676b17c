import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import type { KinesisStreamEvent } from '../../src/lambda/lambda-events.js';
import { userEnv } from '../helpers/bin.js';
import { firehoseEventOf, kinesisEventOf } from '../helpers/lambda-events.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';
import { putRecords } from '../../lab/src/put-records.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const LAMBDA = fileURLToPath(new URL('../../dist/lambda/handler.js', import.meta.url));
const MB = 1024 * 1024;

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab();
}, 60_000);
afterAll(async () => {
  await lab?.close();
});

interface Invocation {
  answers: unknown[];
  /** The process's peak resident set after the warm-up, after one record alone, and after the batch, in bytes. */
  peaks: { warm: number; one: number; batch: number };
  /** Each stdout line's length and its first characters: the lines themselves are too large to keep. */
  lines: Array<{ length: number; head: string }>;
  stderr: string;
}

/**
 * The built function in a process of its own with a heap limit like a 1,024 MB function's: a warm-up
 * invocation loads the clients and opens the data key, then one large record alone, then the batch.
 * RSS is the kernel's peak for the process (getrusage), so nothing between samples escapes it.
 */
async function invokeMeasured(warmUp: unknown, one: unknown, batch: unknown, env: Record<string, string>): Promise<Invocation> {
  const dir = await scratchDir('das-read-memory-');
  const eventsFile = join(dir, 'events.json');
  await writeFile(eventsFile, JSON.stringify([warmUp, one, batch]));
  const runner = `
    import { readFileSync } from 'node:fs';
    const { handler } = await import(${JSON.stringify(LAMBDA)});
    const events = JSON.parse(readFileSync(${JSON.stringify(eventsFile)}, 'utf8'));
    const answers = [];
    const peaks = [];
    for (const event of events) {
      answers.push(await handler(event));
      peaks.push(process.resourceUsage().maxRSS * 1024);
    }
    process.stderr.write('MEASURED ' + JSON.stringify({ answers, peaks: { warm: peaks[0], one: peaks[1], batch: peaks[2] } }) + '\\n');`;
  const child = spawn(process.execPath, ['--max-old-space-size=900', '--input-type=module', '-e', runner], {
    env: userEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Invocation['lines'] = [];
  let length = 0;
  let head = '';
  child.stdout.setEncoding('latin1');
  child.stdout.on('data', (text: string) => {
    for (let start = 0; ;) {
      const end = text.indexOf('\n', start);
      const piece = text.slice(start, end === -1 ? undefined : end);
      length += piece.length;
      if (head.length < 64) head += piece.slice(0, 64 - head.length);
      if (end === -1) break;
      lines.push({ length, head });
      length = 0;
      head = '';
      start = end + 1;
    }
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (stderr += text));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const measured = /^MEASURED (.*)$/m.exec(stderr)?.[1];
  expect(measured, `exit ${code}: ${stderr.slice(-2000)}`).toBeDefined();
  return { ...(JSON.parse(measured as string) as Omit<Invocation, 'lines' | 'stderr'>), lines, stderr };
}

const statementBytes = 20 * MB;
const records = 8;

/** One small record to warm up with, and eight, each with one 20 MB statement. */
async function largeRecords() {
  const stream = await lab.activityStream({ name: 'lambda-memory' });
  // Repetitive text gzips a thousandfold: the record is some 40 KB on the stream, as RDS would send
  // it. Encoded once and put eight times: the same record, as a retried put leaves it.
  await stream.put([activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(0)])]);
  const large = await stream.producer.encode(
    activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1, { commandText: `SELECT '${'x'.repeat(statementBytes)}'` })]),
  );
  await putRecords(lab.clients.kinesis, stream.streamName, Array<Uint8Array>(records).fill(large));
  const event = await kinesisEventOf(lab, stream.streamName);
  const [warmUp, ...big] = event.Records as [KinesisStreamEvent['Records'][number], ...KinesisStreamEvent['Records']];
  return { warmUp, big };
}
let made: ReturnType<typeof largeRecords> | undefined;

const lambdaEnv = () => ({ AWS_ENDPOINT_URL_KMS: lab.endpoint, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });

describe("the function's memory, whatever the batch", () => {
  it('a batch of 8 records, each with one 20 MB statement, is delivered whole with a peak of a few records, not the batch', async () => {
    const { warmUp, big } = await (made ??= largeRecords());
    const ran = await invokeMeasured({ Records: [warmUp] }, { Records: [big[0] as (typeof big)[number]] }, { Records: big }, lambdaEnv());
    expect(ran.answers).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }, { batchItemFailures: [] }]);
    // The warm-up's small event, the record alone, then each statement of the batch whole, in order.
    expect(ran.lines.map((line) => line.length > statementBytes)).toEqual([false, ...Array<boolean>(records + 1).fill(true)]);
    expect(ran.lines.every((line) => line.head.startsWith('{"'))).toBe(true);
    const one = ran.peaks.one - ran.peaks.warm;
    const batch = ran.peaks.batch - ran.peaks.warm;
    const figures = `peak RSS over the warm instance's ${Math.round(ran.peaks.warm / MB)} MB: ${Math.round(one / MB)} MB for one record of ${statementBytes / MB} MB, ${Math.round(batch / MB)} MB for ${records}`;
    // A record's statement is copied several times on its way (inflated bytes, text, parsed event,
    // line, the write's bytes), and the collector frees them when it will: one record alone is the
    // unit. The batch stays within a few of those; decoded all at once, it took the batch's worth.
    expect(one, figures).toBeGreaterThan(statementBytes);
    expect(batch, figures).toBeLessThan(2.5 * one);
  }, 120_000);

  it('a Firehose transform of 24 such records answers each ProcessingFailed (too large for a response) with a peak of a few records', async () => {
    const { warmUp, big: eight } = await (made ??= largeRecords());
    // A transform's request holds up to 6 MB: some 150 of these records. Three times the eight here.
    const big = [...eight, ...eight, ...eight];
    const ran = await invokeMeasured(
      firehoseEventOf({ Records: [warmUp] }),
      firehoseEventOf({ Records: [big[0] as (typeof big)[number]] }),
      firehoseEventOf({ Records: big }),
      lambdaEnv(),
    );
    const results = (ran.answers as Array<{ records: Array<{ result: string; data: string }> }>).map((answer) => answer.records.map((record) => record.result));
    expect(results).toEqual([['Ok'], ['ProcessingFailed'], Array<string>(big.length).fill('ProcessingFailed')]);
    expect((ran.answers as Array<{ records: Array<{ data: string }> }>)[2]?.records.map((record) => record.data)).toEqual(
      big.map((record) => record.kinesis.data),
    );
    expect(ran.stderr).toMatch(/did not fit in Lambda's 6291456-byte response/);
    const one = ran.peaks.one - ran.peaks.warm;
    const batch = ran.peaks.batch - ran.peaks.warm;
    const figures = `peak RSS over the warm instance's ${Math.round(ran.peaks.warm / MB)} MB: ${Math.round(one / MB)} MB for one record of ${statementBytes / MB} MB, ${Math.round(batch / MB)} MB for ${big.length}`;
    expect(one, figures).toBeGreaterThan(statementBytes);
    expect(batch, figures).toBeLessThan(2.5 * one);
  }, 120_000);
});
