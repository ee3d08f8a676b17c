import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { activityRecord, heartbeatEvent, postgresEvent } from '../../lab/src/synthetic-events.js';
import { BIN, runBin, startBin, userEnv } from '../helpers/bin.js';
import { startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
let stream: TestStream;
const records = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) =>
    activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(from + i), heartbeatEvent('2026-01-01 00:00:00+00')]),
  );

beforeAll(async () => {
  lab = await startTestLab();
  stream = await lab.activityStream({ name: 'auroralab-postgres-cluster', shards: 2 });
  await stream.put(records(0, 20));
});
afterAll(async () => {
  await lab?.close();
});

describe('bin/das-read', () => {
  it("show reads back what a read wrote, gzip'd as logrotate leaves it, line for line", async () => {
    const read = await runBin(['--cluster', 'auroralab-postgres-cluster', '--endpoint-url', lab.endpoint, '--no-follow']);
    const dir = await scratchDir('das-read-show-');
    await writeFile(join(dir, 'audit.ndjson.1.gz'), gzipSync(read.stdout));
    const shown = await runBin(['show', join(dir, 'audit.ndjson.1.gz')]);
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    expect(shown.stdout).toBe(read.stdout);
    const pretty = await runBin(['show', '-o', 'pretty', '--user', 'pgbench', join(dir, 'audit.ndjson.1.gz')]);
    expect(pretty.stdout.trim().split('\n')).toHaveLength(20);
    expect(pretty.stdout).toContain('READ      SELECT        pgbench@postgres');
  });

  it('prints ndjson into a pipe, every event once, and exits 0 with a quiet stderr', async () => {
    const result = await runBin(['--cluster', 'auroralab-postgres-cluster', '--endpoint-url', lab.endpoint, '--no-follow']);
    expect(result.code).toBe(0);
    const ids = result.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { statementId: number }).statementId);
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // As cron runs it: stderr a pipe, no terminal. Nothing at all, not even Node 20's end-of-life note.
    expect(result.stderr).toBe('');
  });

  it('finds the lab through AWS_ENDPOINT_URL as well as --endpoint-url', async () => {
    const result = await runBin(['--cluster', 'auroralab-postgres-cluster', '--no-follow'], userEnv({ AWS_ENDPOINT_URL: lab.endpoint }));
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(20);
  });

  it('-o pretty prints readable lines without colour into a pipe', async () => {
    const result = await runBin(['--cluster', 'auroralab-postgres-cluster', '--endpoint-url', lab.endpoint, '--no-follow', '-o', 'pretty']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('READ      SELECT        pgbench@postgres');
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('--version and --help say nothing on stderr, as cron runs them', async () => {
    for (const args of [['--version'], ['-V'], ['--help'], ['status', '--help'], ['lab', '--help']]) {
      const result = await runBin(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).not.toBe('');
      expect(result.stderr, args.join(' ')).toBe('');
    }
  });

  it.runIf(Number(process.versions.node.split('.')[0]) < 22)('on Node 20, says it is past its end of life with --verbose, in one line', async () => {
    // A state dir of its own: the note is said once a day, and the day's may have been used already.
    const state = await mkdtemp(join(tmpdir(), 'das-read-state-'));
    const args = ['--cluster', 'auroralab-postgres-cluster', '--endpoint-url', lab.endpoint, '--no-follow', '--verbose'];
    const result = await runBin(args, userEnv({ XDG_STATE_HOME: state }));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`das-read: note: Node.js ${process.versions.node} is past its end of life; Node.js 22 or 24 is recommended.\n`);
    expect(result.stderr).not.toContain('NodeVersionSupportWarning');
    // Said, so remembered: not again today.
    expect((await runBin(args, userEnv({ XDG_STATE_HOME: state }))).stderr).not.toContain('past its end of life');
    await rm(state, { recursive: true, force: true });
  });

  it.runIf(Number(process.versions.node.split('.')[0]) < 22 && existsSync('/usr/bin/script'))(
    'on Node 20, says it is past its end of life on a terminal',
    async () => {
      // script(1) gives das-read a terminal for stdout and stderr alike.
      const state = await mkdtemp(join(tmpdir(), 'das-read-state-'));
      const shell = spawn(
        'script',
        ['-qec', `${process.execPath} ${BIN} --cluster auroralab-postgres-cluster --endpoint-url ${lab.endpoint} --no-follow --max-events 1`, '/dev/null'],
        { env: userEnv({ XDG_STATE_HOME: state }) },
      );
      let screen = '';
      shell.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
      const code = await new Promise((resolve) => shell.on('close', resolve));
      expect(code, screen).toBe(0);
      await rm(state, { recursive: true, force: true });
      expect(screen).toContain(`Node.js ${process.versions.node} is past its end of life`);
      expect(screen).not.toContain('NodeVersionSupportWarning');
    },
  );

  it('--endpoint-url before a subcommand is the endpoint it talks to, not the one in the environment', async () => {
    const elsewhere = userEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    const status = await runBin(['--endpoint-url', lab.endpoint, 'status', '--cluster', 'auroralab-postgres-cluster', '-o', 'json'], elsewhere);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'started' });
    const misplaced = await runBin(['--checkpoint', 'cp.json', 'status', '--cluster', 'auroralab-postgres-cluster'], elsewhere);
    expect(misplaced.code).toBe(ExitCode.usage);
    expect(misplaced.stderr).toContain('--checkpoint is an option of reading, not of `das-read status`');
  });

  it('credentials: none at all says none were found and where it looked; a missing profile is named; keys beside a profile take one line', async () => {
    const home = await scratchDir('das-read-home-');
    await mkdir(join(home, '.aws'));
    await writeFile(join(home, '.aws', 'config'), '[profile audit]\nregion = us-east-1\n');
    const bare = { PATH: process.env.PATH ?? '', HOME: home, AWS_REGION: 'us-east-1' };
    const args = ['--cluster', 'auroralab-postgres-cluster', '--endpoint-url', lab.endpoint, '--no-follow'];
    const none = await runBin(args, bare);
    expect(none.code).toBe(ExitCode.runtime);
    expect(none.stderr).toContain('das-read: error: no AWS credentials found');
    expect(none.stderr).toContain('das-read looked, in this order, in the environment');
    expect(none.stderr).not.toContain('did not accept');
    const nosuch = await runBin([...args, '--profile', 'nosuch'], bare);
    expect(nosuch.stderr).toContain('no profile "nosuch" in ~/.aws/config or ~/.aws/credentials');
    expect(nosuch.stderr).toContain('The profiles there: audit.');
    const both = await runBin([...args, '--profile', 'nosuch'], { ...bare, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' });
    expect(both.stderr).not.toContain('Multiple credential sources');
    expect(both.stderr.split('\n').filter((line) => line.includes('warning'))).toEqual([
      'das-read: warning: using the profile nosuch: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment are ignored',
    ]);
  });

  it("a subcommand's usage error points to that subcommand's help", async () => {
    const result = await runBin(['status', '--cluster', 'x', '--no-such-option']);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain("unknown option '--no-such-option'");
    expect(result.stderr).toContain('(das-read status --help shows its options)');
  });

  it('--help shows the options and the exit codes, on stdout, exit 0', async () => {
    const result = await runBin(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--cluster <name>');
    expect(result.stdout).toMatch(/Exit codes:[\s\S]*3 +a record could not be decrypted/);
  });

  it('a usage error exits 2 with one message and no stack', async () => {
    const result = await runBin(['--output', 'xml', '--cluster', 'x']);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('das-read: error: --output must be one of pretty, ndjson');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('follows new records until SIGINT, then exits 130', async () => {
    const running = startBin(['--cluster', 'auroralab-postgres-cluster', '--endpoint-url', lab.endpoint]);
    await running.lines(20);
    await stream.put(records(100, 3));
    const lines = await running.lines(23);
    expect(
      lines
        .slice(20)
        .map((line) => (JSON.parse(line) as { statementId: number }).statementId)
        .sort(),
    ).toEqual([100, 101, 102]);
    running.child.kill('SIGINT');
    const result = await running.finished;
    expect(result.code).toBe(ExitCode.interrupted);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('SIGTERM exits 143', async () => {
    const running = startBin(['--cluster', 'auroralab-postgres-cluster', '--endpoint-url', lab.endpoint]);
    await running.lines(1);
    running.child.kill('SIGTERM');
    expect((await running.finished).code).toBe(ExitCode.terminated);
  });

  it('exits 0 without a stack trace when the reader of its output goes away', async () => {
    const running = startBin(['--cluster', 'auroralab-postgres-cluster', '--endpoint-url', lab.endpoint]);
    await running.lines(1);
    running.child.stdout.destroy();
    await stream.put(records(200, 2));
    const result = await running.finished;
    expect(result.code).toBe(0);
    expect(running.stderr()).toBe('');
  });

  it('in a shell pipeline into head, das-read ends cleanly', async () => {
    const script = `node ${BIN} --cluster auroralab-postgres-cluster --endpoint-url ${lab.endpoint} --no-follow | head -n 3; echo "status:\${PIPESTATUS[0]}" >&2`;
    // Not spawnSync: the lab answering das-read lives in this very process.
    const shell = spawn('bash', ['-c', script], { env: userEnv() });
    let stdout = '';
    let stderr = '';
    shell.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    shell.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => shell.on('close', resolve));
    const result = { stdout, stderr };
    expect(result.stdout.trim().split('\n')).toHaveLength(3);
    expect(result.stderr).toContain('status:0');
    expect(result.stderr).not.toMatch(/\n\s+at |EPIPE/);
  });
});

describe('credentials', () => {
  it('come from the default chain, and --profile picks a named profile from the shared files', async () => {
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const dir = await scratchDir('das-read-profile-');
    await writeFile(
      join(dir, 'credentials'),
      '[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = x\n\n[audit]\naws_access_key_id = AUDITKEY\naws_secret_access_key = y\n',
    );
    await writeFile(join(dir, 'config'), '[default]\nregion = us-east-1\n\n[profile audit]\nregion = us-east-1\n');
    const env = userEnv({ AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config') });
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    lab.gateway.signers.clear();
    expect((await runBin(['--cluster', 'auroralab-postgres-cluster', '--endpoint-url', lab.endpoint, '--no-follow'], env)).code).toBe(0);
    expect([...lab.gateway.signers]).toEqual(['DEFAULTKEY']);
    lab.gateway.signers.clear();
    expect((await runBin(['--cluster', 'auroralab-postgres-cluster', '--endpoint-url', lab.endpoint, '--no-follow', '--profile', 'audit'], env)).code).toBe(0);
    expect([...lab.gateway.signers]).toEqual(['AUDITKEY']);
  });
});

describe('start-up', () => {
  /** The modules a run of das-read loads, as URLs, from a load hook in its process. */
  async function modulesLoadedBy(args: string[]): Promise<{ code: number | null; urls: string[] }> {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const log = join(await scratchDir('das-read-modules-'), 'loaded.txt');
    const hook = new URL('../fixtures/module-log/register.mjs', import.meta.url).href;
    const result = await runBin(args, userEnv({ NODE_OPTIONS: `--import ${hook}`, MODULE_LOG: log }));
    return { code: result.code, urls: (await readFile(log, 'utf8')).trim().split('\n') };
  }

  it('--help and --version load no AWS SDK and no command', async () => {
    for (const flag of ['--help', '--version']) {
      const { code, urls } = await modulesLoadedBy([flag]);
      expect(code).toBe(0);
      expect(urls.some((url) => url.endsWith('/dist/main.js'))).toBe(true);
      // A command's declaration (its name, flags and help: *-command.js) is the help; its code is not loaded.
      const ours = urls.filter((url) => !/\/dist\/commands\/[^/]+\/[^/]+-command\.js$/.test(url));
      expect(ours.filter((url) => /@aws-sdk|@aws-crypto|\/dist\/(lab|commands|aws|decode|kinesis)\//.test(url))).toEqual([]);
      expect(urls.filter((url) => url.endsWith('-command.js')).length).toBeGreaterThan(5);
    }
  });

  it('a read loads neither the lab nor, with decryption threads, the Encryption SDK on its main thread', async () => {
    const sdkOrLab = /\/lab\/dist\/|das-read-lab|kinesis-local|@aws-crypto\/|\/open-payload\.js/;
    const threaded = await modulesLoadedBy(['--cluster', 'auroralab-postgres-cluster', '--endpoint-url', lab.endpoint, '--no-follow']);
    expect(threaded.code).toBe(0);
    expect(threaded.urls.some((url) => url.includes('@aws-sdk/client-kinesis'))).toBe(true);
    expect(threaded.urls.filter((url) => sdkOrLab.test(url))).toEqual([]);
    // Decrypting on the main thread, it does load the SDK there: the hook would see it. Not
    // decrypt-node, which only a message of another suite or format would need.
    const inline = await modulesLoadedBy(['--cluster', 'auroralab-postgres-cluster', '--endpoint-url', lab.endpoint, '--no-follow', '--threads', '0']);
    expect(inline.code).toBe(0);
    const sdk = inline.urls.filter((url) => sdkOrLab.test(url));
    expect(sdk.some((url) => url.includes('@aws-crypto/material-management-node'))).toBe(true);
    expect(sdk.filter((url) => url.includes('@aws-crypto/decrypt-node'))).toEqual([]);
  });
});
