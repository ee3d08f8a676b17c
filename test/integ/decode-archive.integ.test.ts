import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, heartbeatEvent, postgresEvent } from '../../lab/src/synthetic-events.js';
import { run } from '../../src/cli/run.js';
import { ExitCode } from '../../src/errors.js';
import { deadLetterOf } from '../../src/sinks/dead-letter.js';
import { kinesisEventOf, tampered } from '../helpers/lambda-events.js';
import { memoryIO } from '../helpers/memory-io.js';
import { readOnce } from '../helpers/read-once.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
let dir: string;
beforeAll(async () => {
  lab = await startTestLab();
  dir = await scratchDir('das-read-decode-');
});
afterAll(async () => {
  await lab?.close();
});

async function decode(args: string[], input?: string) {
  const io = memoryIO(input === undefined ? {} : { input });
  const code = await run(['decode', ...args, '--endpoint-url', lab.endpoint], io);
  return { code, stdout: io.stdout.lines(), stderr: io.stderr.text };
}

/** Every field but the id, which in an archive is the file and byte, not the shard and sequence number. */
const withoutIds = (lines: string[]) => lines.map((line) => JSON.stringify({ ...(JSON.parse(line) as object), eventId: undefined }));
const ids = (lines: string[]) => lines.map((line) => (JSON.parse(line) as { statementId: number }).statementId);

/** A stream of records as RDS makes them, and each record's data as Firehose's raw delivery keeps it. */
async function archived(name: string, count: number) {
  const stream = await lab.activityStream({ name });
  await stream.put(
    Array.from({ length: count }, (_, r) => activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(r * 2), postgresEvent(r * 2 + 1)])),
  );
  const event = await kinesisEventOf(lab, stream.streamName);
  const data = event.Records.map((record) => Buffer.from(record.kinesis.data, 'base64'));
  const live = await readOnce(lab.endpoint, ['--stream-name', stream.streamName, '-o', 'ndjson']);
  expect(live.code).toBe(0);
  return { stream, event, data, live: live.stdout, resourceId: stream.database.resourceId };
}

describe('das-read decode: records kept outside Kinesis', () => {
  it("a Firehose S3 object (records back to back, gzip'd, one corrupt inside) gives the live reader's events, and the corrupt record's offset", async () => {
    const { event, data, live, resourceId } = await archived('decode-firehose', 6);
    const records = [...data];
    records[3] = Buffer.from(tampered(event.Records[3]?.kinesis.data ?? ''), 'base64');
    const plain = Buffer.concat(records);
    const offset = records.slice(0, 3).reduce((sum, bytes) => sum + bytes.length, 0);
    const file = join(dir, 'das-stream-1-2026-12-01-00-00-00-abc.gz');
    await writeFile(file, gzipSync(plain));

    const skipped = await decode([file, '--resource-id', resourceId, '--on-error', 'skip', '--dead-letter', join(dir, 'dead.ndjson')]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(withoutIds(skipped.stdout)).toEqual(withoutIds([...live.slice(0, 6), ...live.slice(8)]));
    expect(skipped.stderr).toContain(`cannot read the record at byte ${offset} of ${file} (gunzipped)`);
    expect(skipped.stderr).toContain('skipped 1 unreadable record');
    const letter = JSON.parse(await readFile(join(dir, 'dead.ndjson'), 'utf8')) as { data: string; sequenceNumber: string };
    expect(letter.sequenceNumber).toBe(String(offset));
    expect(Buffer.from(letter.data, 'base64')).toEqual(records[3]);

    const failed = await decode([file, '--resource-id', resourceId]);
    expect(failed.code).toBe(ExitCode.unreadableRecord);
    expect(ids(failed.stdout)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(failed.stderr).toContain(`byte ${offset} of ${file} (gunzipped)`);
  });

  it("records one a line, not gzip'd, from standard input, and named by --cluster, read the same", async () => {
    const { data, live } = await archived('decode-lines', 3);
    const text = data.map((bytes) => bytes.toString('utf8')).join('\n') + '\n';
    const result = await decode(['--cluster', 'decode-lines', '-o', 'ndjson'], text);
    expect(result.code, result.stderr).toBe(0);
    expect(withoutIds(result.stdout)).toEqual(withoutIds(live));
    expect(JSON.parse(result.stdout[0] ?? '{}')).toMatchObject({ eventId: 'standard input:0:0' });
  });

  it("das-read's dead letters and Firehose's processing-failed records are read again, a dead letter keeping its events' ids", async () => {
    const { event, data, live, resourceId } = await archived('decode-dead', 2);
    const letters = event.Records.map((record, place) =>
      JSON.stringify(
        deadLetterOf(
          { shardId: record.eventID.split(':')[0] ?? '', sequenceNumber: record.kinesis.sequenceNumber, data: data[place] as Buffer },
          'KMS was throttling',
        ),
      ),
    );
    const deadFile = join(dir, 'letters.ndjson');
    await writeFile(deadFile, letters.join('\n') + '\n');
    const failedFile = join(dir, 'processing-failed');
    await writeFile(
      failedFile,
      event.Records.map((record) =>
        JSON.stringify({
          attemptsMade: 4,
          arrivalTimestamp: 1764547200000,
          errorCode: 'Lambda.FunctionError',
          errorMessage: 'timed out',
          attemptEndingTimestamp: 1764547260000,
          rawData: record.kinesis.data,
          lambdaArn: 'arn:aws:lambda:us-east-1:000000000000:function:das-read',
        }),
      ).join('\n'),
    );
    const result = await decode([deadFile, failedFile, '--resource-id', resourceId]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.slice(0, 4)).toEqual(live);
    expect(withoutIds(result.stdout.slice(4))).toEqual(withoutIds(live));
  });

  it('bytes that are no record, a record cut short, and gzip data that ends early are each reported where they are; the rest is read', async () => {
    const { data, live, resourceId } = await archived('decode-damage', 3);
    const garbage = Buffer.from('not a record\n');
    const content = Buffer.concat([data[0] as Buffer, garbage, data[1] as Buffer, data[2] as Buffer]);
    const file = join(dir, 'damaged');
    await writeFile(file, Buffer.concat([content, (data[0] as Buffer).subarray(0, 50)]));
    const result = await decode([file, '--resource-id', resourceId, '--on-error', 'skip']);
    expect(result.code).toBe(0);
    expect(withoutIds(result.stdout)).toEqual(withoutIds(live));
    const after = (data[0] as Buffer).length;
    expect(result.stderr).toContain(
      `bytes ${after} to ${after + garbage.length - 1} of ${file}: ${garbage.length} bytes that are no activity stream record: not a JSON object`,
    );
    expect(result.stderr).toContain(
      `bytes ${content.length} to ${content.length + 49} of ${file}: 50 bytes that are no activity stream record: a record cut short by the end of ${file}`,
    );

    const cut = join(dir, 'cut.gz');
    const zipped = gzipSync(Buffer.concat([data[0] as Buffer, data[1] as Buffer]));
    await writeFile(cut, zipped.subarray(0, zipped.length - 30));
    const truncated = await decode([cut, '--resource-id', resourceId, '--on-error', 'skip']);
    expect(truncated.stderr).toMatch(/unexpected end of file.*the rest of .*cut\.gz cannot be read/);
    expect(ids(truncated.stdout)).toEqual([0, 1]);
  });

  it('a record cut short in the middle (a partial download, then the next file) costs only itself: its bytes are named and kept, every whole record is read, and the default stops there with exit 3', async () => {
    const { data, live, resourceId } = await archived('decode-cut', 40);
    const cut = (data[20] as Buffer).subarray(0, 100);
    const records = [...data.slice(0, 20), cut, ...data.slice(21)];
    const start = records.slice(0, 20).reduce((sum, bytes) => sum + bytes.length + 1, 0);
    const span = `bytes ${start} to ${start + cut.length} of`;
    for (const [name, content] of [
      ['cut-lines', Buffer.concat(records.flatMap((bytes) => [bytes, Buffer.from('\n')]))],
      ['cut-lines.gz', gzipSync(Buffer.concat(records.flatMap((bytes) => [bytes, Buffer.from('\n')])))],
    ] as const) {
      const file = join(dir, name);
      await writeFile(file, content);
      const dead = join(dir, `${name}.dead`);
      const skipped = await decode([file, '--resource-id', resourceId, '--on-error', 'skip', '--dead-letter', dead]);
      expect(skipped.code, skipped.stderr).toBe(0);
      expect(withoutIds(skipped.stdout)).toEqual(withoutIds([...live.slice(0, 40), ...live.slice(42)]));
      expect(skipped.stderr).toContain(
        `cannot read the record at ${span} ${file}${name.endsWith('.gz') ? ' (gunzipped)' : ''}: ${cut.length + 1} bytes that are no activity stream record: a record cut short where the next one begins`,
      );
      expect(skipped.stderr).toContain('skipped 1 unreadable record');
      const letters = (await readFile(dead, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { data: string; sequenceNumber: string });
      expect(letters.map((letter) => [letter.sequenceNumber, Buffer.from(letter.data, 'base64').toString()])).toEqual([[String(start), `${cut.toString()}\n`]]);

      const failed = await decode([file, '--resource-id', resourceId]);
      expect(failed.code).toBe(ExitCode.unreadableRecord);
      expect(withoutIds(failed.stdout)).toEqual(withoutIds(live.slice(0, 40)));
      expect(failed.stderr).toContain(span);
    }
  });

  it('a decompression bomb is reported as one run of bytes past the bound, not held whole, and the record after it is read', async () => {
    const { data, resourceId } = await archived('decode-bomb', 1);
    const file = join(dir, 'bomb.gz');
    await writeFile(file, gzipSync(Buffer.concat([Buffer.alloc(40 * 1024 * 1024, 'A'), data[0] as Buffer])));
    const result = await decode([file, '--resource-id', resourceId, '--on-error', 'skip']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('41943040 bytes that are no activity stream record: not a JSON object; longer than 16777216 bytes, not kept');
    expect(ids(result.stdout)).toEqual([0, 1]);
  });

  it("heartbeats, filters and --max-events are the live reader's; a missing file is said and the others read (exit 1)", async () => {
    const stream = await lab.activityStream({ name: 'decode-filters' });
    await stream.put([
      activityRecord(stream.database.resourceId, 'db-A', [
        heartbeatEvent('2026-01-01 00:00:00.000+00'),
        postgresEvent(1, { dbUserName: 'rdsadmin' }),
        postgresEvent(2),
      ]),
    ]);
    const event = await kinesisEventOf(lab, stream.streamName);
    const file = join(dir, 'filters');
    await writeFile(file, Buffer.from(event.Records[0]?.kinesis.data ?? '', 'base64'));
    const result = await decode([join(dir, 'no-such-file'), file, '--resource-id', stream.database.resourceId, '--skip-service-users']);
    expect(result.code).toBe(ExitCode.runtime);
    expect(result.stderr).toMatch(/no-such-file.*(no such file|ENOENT)/i);
    expect(ids(result.stdout)).toEqual([2]);
    const beats = await decode([file, '--resource-id', stream.database.resourceId, '--include-heartbeats', '--max-events', '2']);
    expect(beats.stdout.map((line) => (JSON.parse(line) as { type: string }).type)).toEqual(['heartbeat', 'record']);
  });

  it('at a terminal with no file named, says what it wants instead of waiting for input', async () => {
    for (const command of [['decode', '--resource-id', 'cluster-ABC'], ['show']]) {
      const io = memoryIO({ tty: true });
      expect(await run([...command], io)).toBe(ExitCode.usage);
      expect(io.stderr.text).toMatch(/or pipe one in: standard input is a terminal/);
    }
  });

  it("das-read's own output (events, with their eventId) is named as such, with show as the command that reads it", async () => {
    const { live, resourceId } = await archived('decode-own-output', 2);
    const file = join(dir, 'events.ndjson');
    await writeFile(file, live.join('\n') + '\n');
    const result = await decode([file, '--resource-id', resourceId]);
    expect(result.code).toBe(ExitCode.unreadableRecord);
    expect(result.stdout).toEqual([]);
    expect(result.stderr).toContain(`cannot read the record at byte 0 of ${file}: an event das-read wrote (it has an eventId), not an activity stream record`);
    expect(result.stderr).toContain(`das-read show ${file}`);
  });

  it("das-read's own output given without --cluster is named as such, with show as the command, before any cluster is asked for", async () => {
    const { live } = await archived('decode-own-output-no-owner', 2);
    const file = join(dir, 'own events.ndjson');
    await writeFile(file, '\n' + live.join('\n') + '\n');
    const gzipped = join(dir, 'own-events.ndjson.1.gz');
    await writeFile(gzipped, gzipSync(live.join('\n') + '\n'));
    for (const [args, input, command] of [
      [[file], undefined, `das-read show '${file}'`],
      [[gzipped, file], undefined, `das-read show ${gzipped}`],
      [[], live.join('\n') + '\n', 'das-read show`'],
    ] as const) {
      const result = await decode([...args], input);
      expect(result.code, result.stderr).toBe(ExitCode.unreadableRecord);
      expect(result.stdout).toEqual([]);
      expect(result.stderr).toContain("this is das-read's output");
      expect(result.stderr).toContain(`use \`${command}`);
      expect(result.stderr).not.toContain('name whose records these are');
    }
  });

  it('activity events decrypted by another tool, given without --cluster, are sent to show too; encrypted records still ask whose they are', async () => {
    const events = join(dir, 'decrypted.ndjson');
    await writeFile(events, [postgresEvent(1), postgresEvent(2)].map((event) => JSON.stringify(event)).join('\n') + '\n');
    const decrypted = await decode([events]);
    expect(decrypted.code).toBe(ExitCode.unreadableRecord);
    expect(decrypted.stderr).toContain(`these are activity events already decrypted, not activity stream records: use \`das-read show ${events}\``);

    const { data } = await archived('decode-records-no-owner', 1);
    const records = join(dir, 'records.ndjson');
    await writeFile(records, data.map((bytes) => bytes.toString('utf8')).join('\n') + '\n');
    const asked = await decode([records]);
    expect(asked.code).toBe(ExitCode.usage);
    expect(asked.stderr).toContain('name whose records these are');
    expect(asked.stderr).not.toContain('das-read show');
  });

  it('a data key KMS will not open stops decode without a word about checkpoints, which decode has none of', async () => {
    const { data } = await archived('decode-wrong-key', 2);
    const file = join(dir, 'wrong-key.ndjson');
    await writeFile(file, data.map((bytes) => bytes.toString('utf8')).join('\n') + '\n');
    const result = await decode([file, '--resource-id', 'cluster-WRONG', '--on-error', 'skip']);
    expect(result.code).toBe(ExitCode.runtime);
    expect(result.stderr).toContain('KMS will not open the data keys of these records');
    expect(result.stderr).toContain('check --resource-id');
    expect(result.stderr).not.toMatch(/checkpoint/i);
  });

  it('refuses to guess whose records they are', async () => {
    expect((await decode([])).stderr).toContain('name whose records these are');
    expect((await decode(['--resource-id', 'prod'])).stderr).toContain('is not a resource id');
    const both = await decode(['--resource-id', 'cluster-ABC', '--cluster', 'x']);
    expect(both.code).toBe(ExitCode.usage);
  });
});
