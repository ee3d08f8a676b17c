import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { request } from 'node:http';
import { freePort } from './http.js';

export interface KinesisLocal {
  url: string;
  stop(): Promise<void>;
}

export interface KinesisLocalOptions {
  region: string;
  accountId: string;
  /** The Node.js binary to run it with: the caller's own, from main or a test. */
  nodePath: string;
  /** How long it pretends stream operations take (its default is 500 ms). */
  operationDuration?: string;
}

// Runs kinesis-local in a process that ends when its parent goes away, even by SIGKILL:
// its parent pid changes.
const WATCHDOG = [
  'const parent = process.ppid;',
  'setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 250);',
  'require(process.argv[1]);',
].join(' ');

/**
 * Starts the kinesis-local server (kinesis-mock compiled to JavaScript) as a child
 * process on loopback, and waits until it answers.
 */
export async function startKinesisLocal(options: KinesisLocalOptions): Promise<KinesisLocal> {
  const packageDir = dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));
  const [plainPort, tlsPort] = [await freePort(), await freePort()];
  const duration = options.operationDuration ?? '100ms';
  const child = spawn(options.nodePath, ['-e', WATCHDOG, join(packageDir, 'main.js')], {
    // It finds its TLS certificate (server.json) relative to the working directory.
    cwd: packageDir,
    env: {
      KINESIS_MOCK_PLAIN_PORT: String(plainPort),
      KINESIS_MOCK_TLS_PORT: String(tlsPort),
      AWS_REGION: options.region,
      AWS_ACCOUNT_ID: options.accountId,
      LOG_LEVEL: 'ERROR',
      ROOT_LOG_LEVEL: 'ERROR',
      SHOULD_PERSIST_DATA: 'false',
      CREATE_STREAM_DURATION: duration,
      DELETE_STREAM_DURATION: duration,
      SPLIT_SHARD_DURATION: duration,
      MERGE_SHARDS_DURATION: duration,
      UPDATE_SHARD_COUNT_DURATION: duration,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its last lines, for the report if it does not start.
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n'));
    lines.splice(0, Math.max(0, lines.length - 200));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${plainPort}`;
  try {
    await waitUntilAnswering(url, child, 20_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`kinesis-local did not start: ${(error as Error).message}\n${lines.slice(-20).join('\n')}`, { cause: error });
  }
  return { url, stop: () => stopChild(child) };
}

async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`);
    if (await answers(url)) return;
    if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const call = request(
      `${url}/`,
      { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' } },
      (response) => {
        response.resume();
        // Any answer will do: an unsigned probe is refused, but by a server that is up.
        resolve(true);
      },
    );
    call.on('error', () => resolve(false));
    call.end('{}');
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  // It keeps nothing (SHOULD_PERSIST_DATA=false), and on SIGTERM it waits out a graceful
  // HTTP shutdown of about three seconds: nothing is lost by ending it outright.
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
