import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { BIN, userEnv } from '../helpers/bin.js';
import { putRaw, startTestLab, type TestLab } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
let dir: string;
beforeAll(async () => {
  lab = await startTestLab();
  dir = await scratchDir('das-read-hostile-');
});
afterAll(async () => {
  await lab?.close();
});

// Node cannot see a child's rusage: python3 (which node-gyp needs, so it is there) reports it.
const MEASURE =
  'import resource, subprocess, sys; code = subprocess.run(sys.argv[2:]).returncode; open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(code)';

/** Runs the bin with its peak RSS measured by the kernel, in MB. */
async function measured(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; peakMb: number }> {
  const rssFile = join(dir, `rss-${Date.now()}`);
  const child = spawn('python3', ['-c', MEASURE, rssFile, process.execPath, BIN, ...args], { env: userEnv() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr, peakMb: Number(await readFile(rssFile, 'utf8')) / 1024 };
}

describe('decompression bombs', () => {
  it('three records that inflate to 200 MB each, between good ones: bounded, skipped into the dead letter whole, peak RSS under 600 MB', async () => {
    const stream = await lab.activityStream({ name: 'bombs' });
    const good = (n: number) => stream.producer.encode(activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(n)]));
    // 200 KB of gzip each; made once, encrypted three times as RDS would.
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20), { level: 9 });
    const bombs = await Promise.all([1, 2, 3].map(() => stream.producer.encodePayload(bomb)));
    await putRaw(lab, stream.streamName, [await good(1), ...bombs, await good(2)]);
    const deadLetter = join(dir, 'bombs.dl.ndjson');

    const failed = await measured(['--cluster', 'bombs', '--endpoint-url', lab.endpoint, '--no-follow']);
    expect(failed.code).toBe(ExitCode.unreadableRecord);
    expect(failed.stderr).toContain('inflates past 67108864 bytes (--max-record-bytes)');

    const skipped = await measured(['--cluster', 'bombs', '--endpoint-url', lab.endpoint, '--no-follow', '--on-error', 'skip', '--dead-letter', deadLetter]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(
      skipped.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { statementId: number }).statementId),
    ).toEqual([1, 2]);
    const letters = (await readFile(deadLetter, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { reason: string; data: string });
    expect(letters).toHaveLength(3);
    expect(letters.every((letter) => letter.reason.includes('inflates past'))).toBe(true);
    expect(Buffer.from(letters[0]?.data ?? '', 'base64')).toEqual(Buffer.from(bombs[0] ?? []));
    expect(Math.max(failed.peakMb, skipped.peakMb)).toBeLessThan(600);
  }, 60_000);

  it('--max-record-bytes sets the bound: a 2 MB record is refused under 1m and read under the default', async () => {
    const stream = await lab.activityStream({ name: 'large-record' });
    const big = activityRecord(stream.database.resourceId, 'db-A', [{ ...postgresEvent(7), commandText: `SELECT '${'x'.repeat(2 * 1024 * 1024)}'` }]);
    await putRaw(lab, stream.streamName, [await stream.producer.encode(big)]);
    const bounded = await measured(['--cluster', 'large-record', '--endpoint-url', lab.endpoint, '--no-follow', '--max-record-bytes', '1m']);
    expect(bounded.code).toBe(ExitCode.unreadableRecord);
    expect(bounded.stderr).toContain('inflates past 1048576 bytes');
    const read = await measured(['--cluster', 'large-record', '--endpoint-url', lab.endpoint, '--no-follow']);
    expect(read.code).toBe(0);
    expect((JSON.parse(read.stdout) as { statementId: number }).statementId).toBe(7);
  }, 60_000);
});
