import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, copyFile, mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { runBin, runShell, userEnv } from '../helpers/bin.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** npm as a user's shell runs it: none of the npm_* settings of an `npm test` that may have started this run. */
const npmEnv = () => Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key))) as Record<string, string>;

/**
 * The repository as a clone holds it: the tracked files (with this checkout's edits to them, so a
 * developer tests what they are about to commit), nothing built, nothing untracked. The
 * dependencies are this checkout's, linked: an install from the registry is not what is tested.
 */
async function cleanClone(dir: string): Promise<string> {
  const clone = join(dir, 'clone');
  await mkdir(clone);
  // The tracked files as they are now, copied from the working tree: git writes nothing (`git stash create`
  // did, and failed now and then while other tests ran git in the same checkout). copyFile keeps the mode.
  const { stdout } = await run('git', ['ls-files', '-z', '--cached'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  for (const file of stdout.split('\0').filter((name) => name !== '' && existsSync(join(ROOT, name)))) {
    await mkdir(dirname(join(clone, file)), { recursive: true });
    await copyFile(join(ROOT, file), join(clone, file));
  }
  await mkdir(join(clone, 'node_modules'));
  for (const entry of await readdir(join(ROOT, 'node_modules'))) {
    // The workspace's own links point into the clone, as npm ci would make them there.
    const target = entry === 'das-read' ? '..' : entry === 'das-read-lab' ? '../lab' : join(ROOT, 'node_modules', entry);
    await symlink(target, join(clone, 'node_modules', entry));
  }
  return clone;
}

let dir: string;
let clone: string;
let prefix: string;
let tarball: string;
let lab: TestLab;
let installWarnings: string;
// npm's children are stopped with the test: a hook that times out does not leave them writing into a folder being removed.
const npmStop = new AbortController();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'das-read-install-'));
  const labStarted = startTestLab();
  clone = await cleanClone(dir);
  expect(await exists(join(clone, 'dist')), 'a clean clone has no build').toBe(false);
  // npm pack runs the prepack script: the build.
  const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: clone,
    env: npmEnv(),
    maxBuffer: 16 * 1024 * 1024,
    signal: npmStop.signal,
  });
  const [manifest] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string }>;
  tarball = join(dir, manifest?.filename ?? '');
  prefix = join(dir, 'prefix');
  const installed = await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: dir,
    env: npmEnv(),
    signal: npmStop.signal,
  });
  installWarnings = installed.stderr;
  lab = await labStarted;
  // About 30 s of CPU (the build is most of it); the allowance is for a machine shared with other work.
}, 300_000);

afterAll(async () => {
  npmStop.abort();
  await lab?.close();
  if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

describe('installed globally from a tarball packed in a clean clone', () => {
  it('the tarball holds the build and the man page', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    expect(stdout.split('\n')).toEqual(expect.arrayContaining(['package/bin/das-read', 'package/dist/main.js', 'package/das-read.1', 'package/LICENSE']));
  });

  it('every source map it ships carries the source it maps to (src/ is not shipped)', async () => {
    const root = join(prefix, 'lib', 'node_modules', 'das-read');
    const maps = (await readdir(root, { recursive: true })).filter((name) => name.endsWith('.map') && !name.startsWith('node_modules'));
    expect(maps.length).toBeGreaterThan(100);
    const missing: string[] = [];
    for (const name of maps) {
      const map = JSON.parse(await readFile(join(root, name), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
      map.sources.forEach((source, index) => {
        if (typeof map.sourcesContent?.[index] !== 'string' && !existsSync(join(root, dirname(name), source))) missing.push(`${name}: ${source}`);
      });
    }
    expect(missing).toEqual([]);
  });

  it("installs without a word from npm about scripts it will not run (npm 11 lists a tarball's prepare script)", () => {
    expect(installWarnings).not.toMatch(/install-scripts|npm error/);
  });

  it('das-read --version runs from the prefix', async () => {
    const bin = join(prefix, 'bin', 'das-read');
    const result = await runShell(`"${bin}" --version`, userEnv());
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('0.1.0');
    expect(result.code).toBe(0);
  });

  it('reads the lab', async () => {
    const stream = await lab.activityStream({ name: 'installed-cluster' });
    await stream.put([activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1), postgresEvent(2, { class: 'DDL', command: 'CREATE TABLE' })])]);
    const installed = join(prefix, 'lib', 'node_modules', 'das-read', 'bin', 'das-read');
    const read = await runBin(['--cluster', 'installed-cluster', '--endpoint-url', lab.endpoint, '--no-follow'], userEnv(), [], installed);
    expect(read.stderr).toBe('');
    expect(read.code).toBe(0);
    expect(
      read.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { command: string }).command),
    ).toEqual(['SELECT', 'CREATE TABLE']);
  });

  it('its bash completion loads from the command on PATH and completes', async () => {
    const script = 'source <(das-read completion bash) && COMP_WORDS=(das-read st) && COMP_CWORD=1 && _das_read && echo "${COMPREPLY[@]}"';
    const result = await runShell(script, userEnv({ PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}` }));
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('status start stop');
  });

  it('man finds its page where npm put it', async () => {
    expect(await exists(join(prefix, 'share', 'man', 'man1', 'das-read.1'))).toBe(true);
    const hasMan = (await runShell('command -v man')).code === 0;
    if (!hasMan) return;
    const found = await runShell('man -w das-read', userEnv({ MANPATH: join(prefix, 'share', 'man') }));
    expect(await realpath(found.stdout.trim())).toBe(await realpath(join(prefix, 'lib', 'node_modules', 'das-read', 'das-read.1')));
  });
});
