import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';
export const BIN = fileURLToPath(new URL('../../bin/das-read', import.meta.url));

/** The environment a user's shell would give das-read: dummy credentials, nothing of the test runner's. */
export function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    ...extra,
  };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout holds at least `count` lines. */
  lines(count: number, timeoutMs?: number): Promise<string[]>;
  finished: Promise<Finished>;
}

/** `nodeArgs` go to node itself, before the bin (`--expose-gc`, `--import`). */
export function startBin(args: string[], env = userEnv(), nodeArgs: string[] = [], bin = BIN): Running {
  const child = spawn(process.execPath, [...nodeArgs, bin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    finished,
    async lines(count, timeoutMs = 15_000) {
      const lines = () => stdout.split('\n').filter(Boolean);
      return waitFor(() => lines().length >= count && lines(), {
        what: `${count} lines on stdout`,
        timeoutMs,
        giveUp: () => (child.exitCode === null ? undefined : `it exited, with ${lines().length} lines; stderr: ${stderr}`),
      });
    },
  };
}

export function runBin(args: string[], env = userEnv(), nodeArgs: string[] = [], bin = BIN): Promise<Finished> {
  const running = startBin(args, env, nodeArgs, bin);
  running.child.stdin.end();
  return running.finished;
}

/** A script in bash, as a user's shell or cron runs it; not spawnSync: the lab answering it may live in this very process. */
export function runShell(script: string, env: Record<string, string> = userEnv(), cwd?: string): Promise<Omit<Finished, 'signal'>> {
  const child = spawn('bash', ['-c', script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
