import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { runBin, runShell, userEnv } from '../helpers/bin.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

// CI installs jq; elsewhere the test says what is missing.
const haveJq = spawnSync('jq', ['--version']).status === 0;
if (!haveJq && !process.env.CI) console.warn('skipped the README jq recipes: they need jq (apt-get install jq)'); // eslint-disable-line no-console

let lab: TestLab;
let dir: string;
beforeAll(async () => {
  if (!haveJq && !process.env.CI) return;
  lab = await startTestLab();
  const stream = await lab.activityStream({ name: 'cookbook' });
  const sqlServer = { serverType: 'SQLSERVER', class: 'LOGIN', command: 'LOGIN FAILED', exitCode: 0, commandText: null };
  await stream.put([
    activityRecord(stream.database.resourceId, 'db-A', [
      postgresEvent(1, { dbUserName: 'alice' }),
      postgresEvent(2, { dbUserName: 'alice', class: 'DDL', command: 'CREATE TABLE', commandText: 'CREATE TABLE t (id int)' }),
      postgresEvent(3, { dbUserName: 'bob', command: 'AUTH FAILURE', class: 'MISC', commandText: null }),
      postgresEvent(4, { dbUserName: 'alice', exitCode: '42501', errorMessage: 'permission denied for table payroll' }),
      postgresEvent(5, { dbUserName: 'sa', ...sqlServer }),
    ]),
  ]);
  dir = await scratchDir('das-read-jq-');
  // As the README says to make it.
  const read = await runBin(['--cluster', 'cookbook', '--endpoint-url', lab.endpoint, '--no-follow']);
  await writeFile(join(dir, 'audit.ndjson'), read.stdout);
}, 60_000);
afterAll(async () => {
  await lab?.close();
});

describe.skipIf(!haveJq && !process.env.CI)("the README's jq recipes", () => {
  it('each runs as written on an audit file, and answers what its comment says', async () => {
    const readme = await readFile(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const block = /### With jq[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const recipes = block.split('\n').filter((line) => line.startsWith('jq '));
    expect(recipes).toHaveLength(4);
    const results = [];
    for (const recipe of recipes) {
      const result = await runShell(recipe, userEnv(), dir);
      expect(result.code, `${recipe}\n${result.stderr}`).toBe(0);
      results.push(result.stdout.trim().split('\n'));
    }
    const [ddl = [], logins = [], users = [], errors = []] = results;
    expect(ddl.map((line) => (JSON.parse(line) as { command: string }).command)).toEqual(['CREATE TABLE']);
    expect(logins.map((line) => (JSON.parse(line) as { dbUserName: string }).dbUserName)).toEqual(['bob', 'sa']);
    expect(users[0]?.trim()).toBe('3 alice');
    expect(errors).toEqual([expect.stringMatching(/\talice\tpermission denied for table payroll$/)]);
  });
});
