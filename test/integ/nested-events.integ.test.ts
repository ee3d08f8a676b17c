import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, nestedRecordText, postgresEvent } from '../../lab/src/synthetic-events.js';
import { MAX_EVENT_DEPTH } from '../../src/decode/record-limits.js';
import { ExitCode } from '../../src/errors.js';
import { duckRows } from '../helpers/duckdb.js';
import { readOnce } from '../helpers/read-once.js';
import { putRaw, startTestLab, type TestLab } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
let dir: string;
/** The deep record's Data, as put: what its dead letter must hold. */
let deep: Buffer;
beforeAll(async () => {
  lab = await startTestLab();
  dir = await scratchDir('das-read-nested-');
  const stream = await lab.activityStream({ name: 'nested' });
  const { resourceId } = stream.database;
  const good = (n: number) => stream.producer.encode(activityRecord(resourceId, 'db-A', [postgresEvent(n)]));
  const nested = (n: number, depth: number) => stream.producer.encodePayload(gzipSync(nestedRecordText(resourceId, 'db-A', postgresEvent(n), depth)));
  // The event of record 2 nests exactly as deep as das-read writes; that of record 3, 8,000 levels deep.
  deep = await nested(3, 8_000);
  await putRaw(lab, stream.streamName, [await good(1), await nested(2, MAX_EVENT_DEPTH - 1), deep, await good(4)]);
}, 60_000);
afterAll(async () => {
  await lab?.close();
});

/** Where each way of writing puts its events, and the statementIds of those it wrote. */
interface Way {
  label: string;
  args: (run: string) => string[];
  written: (run: string, stdout: string[]) => Promise<number[]>;
}

const ndjsonIds = (stdout: string[]) => stdout.map((line) => (JSON.parse(line) as { statementId: number }).statementId);

const WAYS: Way[] = [
  { label: '--redact', args: () => ['--redact', '-o', 'ndjson'], written: async (_run, stdout) => ndjsonIds(stdout) },
  {
    label: '-o json',
    args: () => ['-o', 'json'],
    written: async (_run, stdout) =>
      stdout
        .join('\n')
        .split(/\n(?=\{)/)
        .filter((text) => text.trim() !== '')
        .flatMap((text) =>
          (JSON.parse(text) as { databaseActivityEventList: Array<{ statementId: number }> }).databaseActivityEventList.map((event) => event.statementId),
        ),
  },
  {
    label: '-o ocsf',
    args: () => ['-o', 'ocsf'],
    written: async (_run, stdout) => stdout.map((line) => (JSON.parse(line) as { unmapped: { statementId: number } }).unmapped.statementId),
  },
  {
    label: '--security-lake-dir',
    args: (run) => ['--security-lake-dir', join(dir, `lake-${run}`)],
    written: async (run) => {
      const root = join(dir, `lake-${run}`, 'ext');
      const files = (await readdir(root, { recursive: true }).catch(() => [] as string[])).filter((name) => name.endsWith('.parquet'));
      if (files.length === 0) return [];
      const rows = await duckRows(
        `SELECT query_info.query_string AS sql FROM read_parquet([${files.map((file) => `'${join(root, file)}'`).join(', ')}]) ORDER BY time`,
      );
      return rows.map((row) => Number(/\/\* (\d+) \*\//.exec(String(row.sql))?.[1]));
    },
  },
];

describe('an event nested deeper than das-read writes, in a live read', () => {
  it.each(WAYS)(
    '$label: the records before it written, it unreadable (exit 3), then skipped into the dead letter, and the checkpoint moves past it',
    async (way) => {
      const checkpoint = join(dir, `${way.label.replace(/\W/g, '')}.checkpoint.json`);
      const deadLetter = join(dir, `${way.label.replace(/\W/g, '')}.dead.ndjson`);
      const read = async (run: string, more: string[]) => {
        const result = await readOnce(lab.endpoint, ['--cluster', 'nested', '--checkpoint', checkpoint, ...way.args(run), ...more]);
        return { ...result, written: await way.written(run, result.stdout) };
      };

      const failed = await read('fail', []);
      expect(failed.code, failed.stderr).toBe(ExitCode.unreadableRecord);
      expect(failed.written).toEqual([1, 2]);
      expect(failed.stderr).toMatch(new RegExp(`cannot read record \\d+ in shardId-000000000000: .*nested more than ${MAX_EVENT_DEPTH} levels deep`));
      expect(failed.stderr).not.toMatch(/likely a bug|\n\s+at /);

      const skipped = await read('skip', ['--on-error', 'skip', '--dead-letter', deadLetter]);
      expect(skipped.code, skipped.stderr).toBe(ExitCode.ok);
      expect(skipped.written).toEqual([4]);
      const letters = (await readFile(deadLetter, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { shardId: string; reason: string; data: string });
      expect(letters).toHaveLength(1);
      expect(letters[0]?.shardId).toBe('shardId-000000000000');
      expect(letters[0]?.reason).toMatch(/nested more than/);
      expect(Buffer.from(letters[0]?.data ?? '', 'base64')).toEqual(deep);

      const again = await read('again', ['--on-error', 'skip', '--dead-letter', deadLetter]);
      expect(again.code, again.stderr).toBe(ExitCode.ok);
      expect(again.written).toEqual([]);
    },
    60_000,
  );

  it('on the main thread (--threads 0) the same', async () => {
    const result = await readOnce(lab.endpoint, ['--cluster', 'nested', '--threads', '0', '-o', 'ocsf']);
    expect(result.code, result.stderr).toBe(ExitCode.unreadableRecord);
    expect(result.stdout).toHaveLength(2);
    expect(result.stderr).toMatch(/nested more than/);
  });
});
