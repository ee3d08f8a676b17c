import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { runBin, userEnv } from '../helpers/bin.js';
import { startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What `npm pack` would publish, from the build `npm test` made. */
async function packedFiles(): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
  const [packed] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  return (packed?.files ?? []).map((file) => file.path);
}

/**
 * das-read as `npm install das-read` leaves it: the packed tarball unpacked, its dependencies
 * beside it, and nothing of the lab. A consumer folder whose node_modules/das-read is that package.
 */
async function installWithoutTheLab(): Promise<{ packageDir: string; consumerDir: string }> {
  const dir = await scratchDir('das-read-package-');
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
  await run('tar', ['xzf', join(dir, packed?.filename ?? ''), '-C', dir]);
  const packageDir = join(dir, 'package');
  await mkdir(join(packageDir, 'node_modules'));
  for (const entry of await readdir(join(ROOT, 'node_modules'))) {
    if (['das-read', 'das-read-lab', '.bin', '.package-lock.json', 'kinesis-local'].includes(entry)) continue;
    await symlink(join(ROOT, 'node_modules', entry), join(packageDir, 'node_modules', entry));
  }
  const consumerDir = join(dir, 'consumer');
  await mkdir(join(consumerDir, 'node_modules'), { recursive: true });
  await symlink(packageDir, join(consumerDir, 'node_modules', 'das-read'));
  return { packageDir, consumerDir };
}

let lab: TestLab;
let stream: TestStream;
let installed: { packageDir: string; consumerDir: string };

beforeAll(async () => {
  [lab, installed] = await Promise.all([startTestLab(), installWithoutTheLab()]);
  stream = await lab.activityStream({ name: 'package-cluster' });
  const events = [
    postgresEvent(1),
    postgresEvent(2, { class: 'DDL', command: 'CREATE TABLE', commandText: 'CREATE TABLE audit_me (id int)' }),
    postgresEvent(3),
    postgresEvent(4, { class: 'DDL', command: 'DROP TABLE', commandText: 'DROP TABLE audit_me' }),
  ];
  await stream.put([
    activityRecord(stream.database.resourceId, 'db-A', events.slice(0, 2)),
    activityRecord(stream.database.resourceId, 'db-A', events.slice(2)),
  ]);
}, 60_000);
afterAll(async () => {
  await lab?.close();
});

describe('the published package', () => {
  it('holds the reader alone: bin, dist, the built-in rules, the man page, the changelog and the licence, no lab file, and no lab dependency', async () => {
    const files = await packedFiles();
    expect(files.filter((file) => file.startsWith('rules/builtin/') && file.endsWith('.yml')).length).toBeGreaterThan(10);
    expect(files).toContain('bin/das-read');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('das-read.1');
    expect(files).toContain('LICENSE');
    expect(files).toContain('CHANGELOG.md');
    expect(
      files.filter((file) => !/^(bin\/|dist\/|rules\/builtin\/[\w-]+\.yml$|package\.json$|README\.md$|CHANGELOG\.md$|LICENSE$|das-read\.1$)/.test(file)),
    ).toEqual([]);
    expect(files.filter((file) => /(^|\/)(?<!commands\/)lab\/|producer|local-kms|local-rds|kinesis-local|gateway|pgbench/.test(file))).toEqual([]);
    const manifest = JSON.parse(await readFile(join(installed.packageDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies).filter((name) => /kinesis-local|encrypt-node|das-read-lab/.test(name))).toEqual([]);
  });

  it('leaves no tarball of `npm pack` for git to track in a clone', async () => {
    const { stdout } = await run('git', ['check-ignore', '--no-index', 'das-read-0.1.0.tgz', 'das-read-lab-0.1.0.tgz'], { cwd: ROOT });
    expect(stdout.split('\n').filter(Boolean)).toEqual(['das-read-0.1.0.tgz', 'das-read-lab-0.1.0.tgz']);
  });

  it('exports the library API and the Lambda entry, with their types, and nothing else', async () => {
    const manifest = JSON.parse(await readFile(join(installed.packageDir, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(Object.keys(manifest.exports)).toEqual(['.', './lambda']);
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(manifest.exports['./lambda']).toEqual({ types: './dist/lambda/handler.d.ts', default: './dist/lambda/handler.js' });
    const probe = `
      const api = await import('das-read');
      const names = ['createAwsClients', 'resolveTarget', 'createDecoder', 'decodeBatches', 'readStream', 'formatNdjson', 'eventFormatter', 'formatted', 'Utf8Builder', 'UserError', 'RecordError'];
      const lambda = await import('das-read/lambda');
      if (typeof lambda.handler !== 'function') names.push('das-read/lambda handler');
      console.log(JSON.stringify({ missing: names.filter((name) => typeof (api[name] ?? lambda[name]) !== 'function') }));
      for (const deep of ['das-read/dist/cli/run.js', 'das-read/dist/aws/clients.js', 'das-read/package.json']) {
        await import(deep).then(() => console.log('importable: ' + deep), (error) => { if (error.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error; });
      }`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: installed.consumerDir });
    expect(stdout.trim()).toBe(JSON.stringify({ missing: [] }));
  });

  it('installed without the lab: it reads, and `das-read lab` and `demo` say in one line how to get the lab', async () => {
    const bin = join(installed.packageDir, 'bin', 'das-read');
    const read = await runBin(['--cluster', 'package-cluster', '--endpoint-url', lab.endpoint, '--no-follow'], userEnv(), [], bin);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout.trim().split('\n')).toHaveLength(4);
    for (const command of ['lab', 'demo']) {
      const result = await runBin([command], userEnv(), [], bin);
      expect(result.code, command).toBe(1);
      expect(result.stdout, command).toBe('');
      expect(result.stderr.trim().split('\n'), command).toEqual([
        expect.stringMatching(/^das-read: error: the lab is not installed: .*das-read-lab.*npm ci && npm run lab/),
      ]);
    }
  });

  it("docs/library.md's program runs as printed, against the installed package", async () => {
    const readme = await readFile(join(ROOT, 'docs', 'library.md'), 'utf8');
    const program = /# As a library[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(program).toBeDefined();
    const file = join(installed.consumerDir, 'print-ddl.mjs');
    await writeFile(file, program ?? '');
    const { stdout } = await run(process.execPath, [file, 'package-cluster'], {
      cwd: installed.consumerDir,
      env: userEnv({ AWS_ENDPOINT_URL: lab.endpoint, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }),
    });
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { command: string; clusterId: string });
    expect(lines.map((line) => line.command)).toEqual(['CREATE TABLE', 'DROP TABLE']);
    expect(lines[0]?.clusterId).toBe(stream.database.resourceId);
  });
});
