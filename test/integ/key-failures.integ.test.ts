import { DisableKeyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SKIPPED_IN_A_ROW } from '../../src/write/batch-writer.js';
import { ExitCode } from '../../src/errors.js';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { readOnce } from '../helpers/read-once.js';
import { putRaw, startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
let dir: string;
beforeAll(async () => {
  lab = await startTestLab();
  dir = await scratchDir('das-read-keys-');
});
afterAll(async () => {
  await lab?.close();
});

const read = (args: string[]) => readOnce(lab.endpoint, args);
const ids = (lines: string[]) => lines.map((line) => (JSON.parse(line) as { statementId: number }).statementId);
const good = (stream: TestStream, n: number) => stream.producer.encode(activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(n)]));

describe('a data key KMS will not open is not a bad record', () => {
  it('under --on-error skip, another resource id stops the run (exit 1), skips nothing and leaves the checkpoint where it was', async () => {
    const stream = await lab.activityStream({ name: 'wrong-id' });
    await stream.put(Array.from({ length: 5 }, (_, i) => activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(i)])));
    const checkpoint = join(dir, 'wrong-id.json');
    const deadLetter = join(dir, 'wrong-id.dl.ndjson');
    const wrong = await read([
      '--stream-name',
      stream.streamName,
      '--resource-id',
      'cluster-WRONG',
      '--on-error',
      'skip',
      '--dead-letter',
      deadLetter,
      '--checkpoint',
      checkpoint,
    ]);
    expect(wrong.code, wrong.stderr).toBe(ExitCode.runtime);
    expect(wrong.stdout).toEqual([]);
    expect(wrong.stderr).toContain('KMS will not open the data keys of this stream');
    expect(wrong.stderr).toContain('aws:rds:dbc-id=cluster-WRONG');
    expect(wrong.stderr).toContain('whatever --on-error says');
    expect(wrong.stderr).not.toContain('skipped');
    expect(await readFile(deadLetter, 'utf8')).toBe('');
    // The next run, with the right id, still has every event.
    const right = await read(['--stream-name', stream.streamName, '--on-error', 'skip', '--checkpoint', checkpoint]);
    expect(right.code).toBe(0);
    expect(ids(right.stdout)).toEqual([0, 1, 2, 3, 4]);
  });

  it.each([
    ['disabled', (keyId: string) => new DisableKeyCommand({ KeyId: keyId }), /DisabledException/],
    ['pending deletion', (keyId: string) => new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }), /KMSInvalidStateException/],
  ] as const)('a key that is %s stops the run under --on-error skip, exit 1', async (label, command, reason) => {
    const stream = await lab.activityStream({ name: `key-${label.replace(' ', '-')}` });
    await stream.put([activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1)])]);
    await lab.clients.kms.send(command(stream.keyId));
    const result = await read(['--cluster', `key-${label.replace(' ', '-')}`, '--on-error', 'skip']);
    expect(result.code).toBe(ExitCode.runtime);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).not.toContain('skipped');
  });

  it("one record's own bad key, with good records after it: stops there under --on-error skip, exit 3, and a rerun stops there again", async () => {
    const stream = await lab.activityStream({ name: 'one-bad-key' });
    const wrapper = JSON.parse((await good(stream, 99)).toString()) as Record<string, unknown>;
    wrapper.key = Buffer.alloc(120, 7).toString('base64');
    await putRaw(lab, stream.streamName, [await good(stream, 1), await good(stream, 2), Buffer.from(JSON.stringify(wrapper)), await good(stream, 3)]);
    const checkpoint = join(dir, 'one-bad-key.json');
    for (const expected of [[1, 2], []]) {
      const result = await read(['--cluster', 'one-bad-key', '--on-error', 'skip', '--checkpoint', checkpoint]);
      expect(result.code).toBe(ExitCode.unreadableRecord);
      expect(ids(result.stdout)).toEqual(expected);
      expect(result.stderr).toMatch(/cannot read record \d+ in shardId-000000000000: KMS cannot decrypt the record's data key/);
    }
  });
});

describe('--on-error skip gives up on unreadable records in a row', () => {
  it(`skips ${MAX_SKIPPED_IN_A_ROW - 1} in a row and goes on`, async () => {
    const stream = await lab.activityStream({ name: 'bad-run-short' });
    const bad = Array.from({ length: MAX_SKIPPED_IN_A_ROW - 1 }, () => Buffer.from('not json'));
    await putRaw(lab, stream.streamName, [await good(stream, 1), ...bad, await good(stream, 2)]);
    const result = await read(['--cluster', 'bad-run-short', '--on-error', 'skip']);
    expect(result.code).toBe(0);
    expect(ids(result.stdout)).toEqual([1, 2]);
    expect(result.stderr).toContain(`skipped ${MAX_SKIPPED_IN_A_ROW - 1} unreadable records`);
  });

  it(`stops at the ${MAX_SKIPPED_IN_A_ROW}th in a row, exit 3, the checkpoint at the last one skipped`, async () => {
    const stream = await lab.activityStream({ name: 'bad-run-long' });
    const bad = Array.from({ length: MAX_SKIPPED_IN_A_ROW }, () => Buffer.from('not json'));
    await putRaw(lab, stream.streamName, [await good(stream, 1), ...bad, await good(stream, 2)]);
    const checkpoint = join(dir, 'bad-run-long.json');
    const result = await read(['--cluster', 'bad-run-long', '--on-error', 'skip', '--checkpoint', checkpoint]);
    expect(result.code).toBe(ExitCode.unreadableRecord);
    expect(ids(result.stdout)).toEqual([1]);
    expect(result.stderr).toContain(`the ${MAX_SKIPPED_IN_A_ROW - 1} records before it could not be read either`);
    expect(result.stderr).toContain(`--on-error skip stops at ${MAX_SKIPPED_IN_A_ROW} unreadable records in a row`);
    // The next run starts at the record that stopped it: one bad record, then the good one.
    const again = await read(['--cluster', 'bad-run-long', '--on-error', 'skip', '--checkpoint', checkpoint]);
    expect(again.code).toBe(0);
    expect(ids(again.stdout)).toEqual([2]);
  });
});
