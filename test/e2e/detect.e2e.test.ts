import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runBin, runShell, BIN } from '../helpers/bin.js';
import { ocsfProblems } from '../helpers/ocsf-validator.js';

// The built bin over a saved trail as cron leaves it (gzip'd by logrotate), with a rule file of the test's own.
const RULES = fileURLToPath(new URL('../fixtures/detect/test-rules.yml', import.meta.url));
const SAVED = readFileSync(new URL('../fixtures/detect/saved-events.ndjson', import.meta.url));
const OWN = ['--no-builtin-rules', '--rules', RULES];
let file: string;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'das-read-detect-e2e-'));
  file = join(dir, 'audit.ndjson.1.gz');
  await writeFile(file, gzipSync(SAVED));
});

describe('das-read detect, the built bin, over a saved file', () => {
  it('writes valid OCSF findings into a pipe, the summary on stderr, and exits 5 with --fail-on high', async () => {
    const result = await runBin(['detect', file, ...OWN, '--summary', '--fail-on', 'high']);
    expect(result.code, result.stderr).toBe(ExitCode.findings);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines.flatMap((line) => ocsfProblems('detection_finding', JSON.parse(line)))).toEqual([]);
    expect(result.stderr).toMatch(/Findings: 2 \(15 events evaluated by 3 rules\)/);
  });

  it('makes the same finding uids on a second run, read from standard input this time', async () => {
    const uids = (stdout: string) =>
      stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { finding_info: { uid: string } }).finding_info.uid);
    const first = await runBin(['detect', file, ...OWN]);
    const second = await runShell(`gzip -dc '${file}' | '${process.execPath}' '${BIN}' detect ${OWN.map((arg) => `'${arg}'`).join(' ')} -`);
    expect(second.code, second.stderr).toBe(ExitCode.ok);
    expect(uids(second.stdout)).toEqual(uids(first.stdout));
    expect(uids(first.stdout)).toHaveLength(2);
  });

  it('lists the rules it would run', async () => {
    const result = await runBin(['rules', ...OWN, '-o', 'json']);
    expect(result.code, result.stderr).toBe(ExitCode.ok);
    expect((JSON.parse(result.stdout) as unknown[]).length).toBe(3);
  });
});
