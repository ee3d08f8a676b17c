import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { run } from '../../src/cli/run.js';
import { kinesisEventOf } from '../helpers/lambda-events.js';
import { memoryIO } from '../helpers/memory-io.js';
import { readOnce } from '../helpers/read-once.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab();
});
afterAll(async () => {
  await lab?.close();
});

/** Bytes handed over one at a time, as a slow pipe may: each read gives one byte, however fast it is read. */
function byteByByte(bytes: Buffer): Readable {
  return Readable.from(Array.from({ length: bytes.length }, (_, at) => bytes.subarray(at, at + 1)));
}

const withoutIds = (lines: string[]) => lines.map((line) => JSON.stringify({ ...(JSON.parse(line) as object), eventId: undefined }));

describe('das-read decode: an archive on standard input, in pieces', () => {
  it("a Firehose object gzip'd and handed over a byte at a time gives every event, as if it came whole", async () => {
    const stream = await lab.activityStream({ name: 'decode-pieces' });
    await stream.put(
      Array.from({ length: 10 }, (_, r) => activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(r * 2), postgresEvent(r * 2 + 1)])),
    );
    const event = await kinesisEventOf(lab, stream.streamName);
    const gz = gzipSync(Buffer.concat(event.Records.map((record) => Buffer.from(record.kinesis.data, 'base64'))));
    const live = await readOnce(lab.endpoint, ['--stream-name', stream.streamName, '-o', 'ndjson']);
    const io = { ...memoryIO(), stdin: byteByByte(gz) };
    const code = await run(['decode', '--resource-id', stream.database.resourceId, '--on-error', 'skip', '--endpoint-url', lab.endpoint], io);
    expect(io.stderr.text).not.toContain('skipped');
    expect(code).toBe(0);
    expect(withoutIds(io.stdout.lines())).toEqual(withoutIds(live.stdout));
    expect(io.stdout.lines()).toHaveLength(20);
  });
});
