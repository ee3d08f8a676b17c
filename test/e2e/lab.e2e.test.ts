import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runBin, startBin, userEnv } from '../helpers/bin.js';
import { freePort } from '../../src/lab/http.js';

/** Every process below `pid`, so a test can tell none outlived it. */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    // pgrep exits 1 when there are none.
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(condition: () => boolean, timeoutMs = 10_000) {
  for (const deadline = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('das-read lab', () => {
  it('prints the line a second terminal needs, serves the cluster, and leaves nothing behind after Ctrl-C', async () => {
    const port = await freePort();
    const lab = startBin(['lab', '--port', String(port)]);
    const [line] = await lab.lines(1, 20_000);
    expect(line).toBe(`export AWS_ENDPOINT_URL=http://127.0.0.1:${port} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=lab AWS_SECRET_ACCESS_KEY=lab`);
    expect(lab.stderr()).toContain('das-read start --cluster auroralab-postgres-cluster --kms-key alias/auroralab-postgres-das');

    // A second terminal, with only what the lab printed.
    const env = userEnv({ AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'lab', AWS_SECRET_ACCESS_KEY: 'lab' });
    const status = await runBin(['status', '--cluster', 'auroralab-postgres-cluster', '-o', 'json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ identifier: 'auroralab-postgres-cluster', engine: 'aurora-postgresql', status: 'stopped' });

    const children = descendants(lab.child.pid ?? 0);
    expect(children.length).toBeGreaterThan(0);
    lab.child.kill('SIGINT');
    expect((await lab.finished).code).toBe(0);
    await until(() => children.every((pid) => !alive(pid)));
  }, 40_000);

  it('killed outright, it still takes its Kinesis server with it', async () => {
    const lab = startBin(['lab', '--port', String(await freePort())]);
    await lab.lines(1, 20_000);
    const children = descendants(lab.child.pid ?? 0);
    lab.child.kill('SIGKILL');
    await lab.finished;
    await until(() => children.every((pid) => !alive(pid)));
  }, 40_000);
});

describe('npm run demo', () => {
  it('starts the lab and the stream, shows live events, stops everything, exits 0', async () => {
    const demo = await runBin(['demo', '--seconds', '4']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).toContain('$ das-read start --cluster auroralab-postgres-cluster');
    expect(demo.stderr).toContain('activity stream stopped');
    const events = demo.stdout.trim().split('\n').map((line) => JSON.parse(line) as { command: string });
    expect(events.length).toBeGreaterThan(5);
    expect(events.map((event) => event.command)).toContain('CONNECT');
  }, 60_000);
});
