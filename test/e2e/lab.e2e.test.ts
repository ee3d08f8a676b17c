import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBin, runShell, startBin, userEnv } from '../helpers/bin.js';
import { freePort } from '../../lab/src/http.js';
import { waitFor } from '../helpers/wait-for.js';

const FORCE_GC = fileURLToPath(new URL('../fixtures/force-gc/force-gc.mjs', import.meta.url));

/**
 * Every process below `pid`, so a test can tell none outlived it. pgrep's exit 1 is "none"; anything
 * else (pgrep missing, a bad option, an error) fails the test, since an empty list would prove nothing.
 */
function descendants(pid: number): number[] {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`no process to look under (pid ${pid})`);
  const found = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  if (found.error) throw new Error(`cannot list the children of ${pid}: ${found.error.message}`);
  if (found.status === 1 && found.stdout === '') return [];
  if (found.status !== 0) throw new Error(`pgrep -P ${pid} failed (exit ${found.status}): ${found.stderr}`);
  const children = found.stdout.trim().split('\n').map(Number);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** The lab's Kinesis server among them: the one child that must not outlive it. */
const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

/** The processes the lab started, checked to be there: an empty list would make "all gone" pass on nothing. */
function labChildren(pid: number | undefined): number[] {
  const children = descendants(pid ?? 0);
  expect(children.length, `the lab (pid ${pid}) has no child processes`).toBeGreaterThan(0);
  expect(
    children.map(commandLine).some((line) => line.includes('kinesis-local')),
    `none of ${children.join(', ')} is the Kinesis server`,
  ).toBe(true);
  return children;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Where this machine keeps a tool the newcomer's shell needs too. */
function toolPath(name: string): string {
  const found = spawnSync('bash', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`${name} is not on this machine's PATH`);
  return found.stdout.trim();
}

const until = (condition: () => boolean, what: string) => waitFor(condition, { what, timeoutMs: 10_000 });

describe('das-read lab', () => {
  it('prints the line a second terminal needs, serves the cluster, and leaves nothing behind after Ctrl-C', async () => {
    const port = await freePort();
    const lab = startBin(['lab', '--port', String(port)]);
    const [line] = await lab.lines(1, 20_000);
    expect(line).toMatch(
      new RegExp(
        `^export AWS_ENDPOINT_URL=http://127\\.0\\.0\\.1:${port} AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=lab AWS_SECRET_ACCESS_KEY=lab( PATH="\\$PATH":\\S+)?$`,
      ),
    );
    // The hints follow on stderr, another pipe: they may come a moment after the export line.
    await until(() => lab.stderr().includes('Ctrl-C stops the lab'), 'the hints on stderr');
    expect(lab.stderr()).toContain('das-read start --cluster auroralab-postgres-cluster --kms-key alias/auroralab-postgres-das');

    // A second terminal, with only what the lab printed.
    const env = userEnv({ AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'lab', AWS_SECRET_ACCESS_KEY: 'lab' });
    const status = await runBin(['status', '--cluster', 'auroralab-postgres-cluster', '-o', 'json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ identifier: 'auroralab-postgres-cluster', engine: 'aurora-postgresql', status: 'stopped' });

    const children = labChildren(lab.child.pid);
    lab.child.kill('SIGINT');
    expect((await lab.finished).code).toBe(0);
    await until(() => children.every((pid) => !alive(pid)), `${children.join(', ')} to be gone`);
  }, 40_000);

  it("every command it prints runs as printed in a newcomer's shell, where das-read is not on PATH; one the user installed stays first", async () => {
    // What `npm ci` leaves a newcomer: node on PATH, no das-read (whatever this machine has installed), no AWS configuration.
    const home = mkdtempSync(join(tmpdir(), 'das-read-newcomer-'));
    const tools = join(home, 'bin');
    mkdirSync(tools);
    symlinkSync(process.execPath, join(tools, 'node'));
    for (const tool of ['bash', 'timeout']) symlinkSync(toolPath(tool), join(tools, tool));
    const shell = {
      PATH: tools,
      HOME: process.env.HOME ?? '/tmp',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    const lab = startBin(['lab', '--port', String(await freePort())], userEnv({ PATH: shell.PATH }));
    try {
      const [exportLine = ''] = await lab.lines(1, 20_000);
      const hintsSoFar = () =>
        lab
          .stderr()
          .split('\n')
          .filter((text) => text.startsWith('  das-read '))
          .map((text) => text.trim());
      await until(() => lab.stderr().includes('Ctrl-C stops the lab'), 'the hints on stderr');
      const hints = hintsSoFar();
      expect(hints).toHaveLength(5);
      expect((await runShell('command -v das-read || echo none', shell)).stdout.trim()).toBe('none');
      // The line appends this clone's bin/: a das-read the user installed is still the one their shell runs.
      const installed = join(home, 'installed');
      mkdirSync(installed);
      writeFileSync(join(installed, 'das-read'), '#!/bin/sh\n', { mode: 0o755 });
      expect((await runShell(`${exportLine}\ncommand -v das-read`, { ...shell, PATH: `${installed}:${tools}` })).stdout.trim()).toBe(
        join(installed, 'das-read'),
      );
      const [start = '', read = '', attack = '', detect = '', stop = ''] = hints;
      const started = await runShell(`${exportLine}\n${start}`, shell);
      expect(started.code, started.stderr).toBe(0);
      // The read follows until Ctrl-C: given one after it has shown events.
      const reading = await runShell(`${exportLine}\ntimeout -s INT 6 ${read}`, shell);
      expect(reading.stderr).toBe('');
      expect(reading.stdout.trim().split('\n').length).toBeGreaterThan(3);
      // Pasted as printed, a hint's words after it are a comment to the shell.
      const attacked = await runShell(`${exportLine}\n${attack}`, shell);
      expect(attacked.code, attacked.stderr).toBe(0);
      const detected = await runShell(`${exportLine}\n${detect}`, shell);
      expect(detected.code, detected.stderr).toBe(0);
      const stopped = await runShell(`${exportLine}\n${stop} --wait`, shell);
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(stopped.stdout).toContain('stopped');
    } finally {
      lab.child.kill('SIGINT');
      await lab.finished;
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);

  it('a port already in use is named, with what to do: exit 1, no stack', async () => {
    const port = await freePort();
    const holder = startBin(['lab', '--port', String(port)]);
    await holder.lines(1, 20_000);
    try {
      const second = await runBin(['lab', '--port', String(port)]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE)`);
      expect(second.stderr).toContain('--port');
      expect(second.stderr).not.toMatch(/bug in das-read|\n\s+at /);
    } finally {
      holder.child.kill('SIGINT');
      await holder.finished;
    }
  }, 40_000);

  it('killed outright, it still takes its Kinesis server with it', async () => {
    const lab = startBin(['lab', '--port', String(await freePort())]);
    await lab.lines(1, 20_000);
    const children = labChildren(lab.child.pid);
    lab.child.kill('SIGKILL');
    await lab.finished;
    await until(() => children.every((pid) => !alive(pid)), `${children.join(', ')} to be gone`);
  }, 40_000);
});

/**
 * Runs the demo as `npm run demo` does (`node bin/das-read demo`), killed if it outlives `limitMs`: a guard against a
 * demo that never ends (a window whose timer was lost), far above its length, not a measure of its speed.
 */
async function demo(args: string[], limitMs: number, nodeArgs: string[] = []) {
  const began = Date.now();
  const running = startBin(['demo', ...args], userEnv(), nodeArgs);
  running.child.stdin.end();
  const killer = setTimeout(() => running.child.kill('SIGKILL'), limitMs);
  const finished = await running.finished;
  clearTimeout(killer);
  return { ...finished, seconds: (Date.now() - began) / 1000 };
}

describe('npm run demo', () => {
  it('with its default length: starts the lab and the stream, shows live events, stops everything, exits 0 by itself', async () => {
    // 12 s of reading, the attack and detect's read of the stream (about 6 s), and starting and stopping the lab and the stream (about 5 s here).
    const run = await demo([], 60_000);
    expect(run.signal, `still running after ${run.seconds} s`).toBeNull();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('$ das-read start --cluster auroralab-postgres-cluster');
    expect(run.stderr).toContain('(for 12 seconds)');
    expect(run.stderr).toContain('activity stream stopped');
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { command?: string; class_uid?: number; finding_info?: { title: string } });
    const events = lines.filter((line) => line.class_uid === undefined);
    expect(events.length).toBeGreaterThan(5);
    expect(events.map((event) => event.command)).toContain('CONNECT');
    // The ending: an attack, and `das-read detect` catching it with the built-in rules (OCSF findings into the pipe).
    expect(run.stderr).toContain('$ das-read lab --attack privilege-escalation');
    expect(run.stderr).toContain('$ das-read detect --cluster auroralab-postgres-cluster --no-follow');
    const findings = lines.filter((line) => line.class_uid === 2004).map((line) => line.finding_info?.title);
    expect(findings).toContain('PostgreSQL role given superuser or administrative rights');
  }, 75_000);

  it('ends its window by itself while the garbage collector runs every 20 ms', async () => {
    const run = await demo(['--seconds', '3'], 60_000, ['--expose-gc', '--import', FORCE_GC]);
    expect(run.signal, `still running after ${run.seconds} s`).toBeNull();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('activity stream stopped');
  }, 75_000);
});
