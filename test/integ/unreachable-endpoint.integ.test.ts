import { createServer } from 'node:net';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { clientsFor } from '../../src/aws/clients.js';
import { explainAwsError } from '../../src/aws/aws-errors.js';
import { reportingRetries, withRetry } from '../../src/aws/retry.js';
import { ExitCode, UserError } from '../../src/errors.js';
import { readOnce } from '../helpers/read-once.js';

/** A port on loopback that nobody listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const LAB_CREDENTIALS = { accessKeyId: 'lab', secretAccessKey: 'lab' };

/** Every try of one ListStreams call through a real client at `endpointUrl`, counted, and the error it ended with. */
async function tries(endpointUrl: string): Promise<{ calls: number; retries: string[]; error: unknown }> {
  const clients = clientsFor({ region: 'us-east-1', endpointUrl }, undefined, LAB_CREDENTIALS);
  let calls = 0;
  const retries: string[] = [];
  try {
    await reportingRetries(
      (message) => retries.push(message),
      () =>
        withRetry(
          () => {
            calls++;
            return clients.kinesis.send(new ListStreamsCommand({}));
          },
          undefined,
          undefined,
          'kinesis:ListStreams',
        ),
    );
    throw new Error('ListStreams answered at an endpoint that cannot answer');
  } catch (error) {
    return { calls, retries, error };
  } finally {
    clients.destroy();
  }
}

describe('an endpoint that cannot be reached', () => {
  it.each(['127.0.0.1', 'localhost'])('a refused connection to a local endpoint (%s) is tried once, and asks whether the lab is running', async (host) => {
    const port = await closedPort();
    const { calls, retries, error } = await tries(`http://${host}:${port}`);
    expect(calls).toBe(1);
    expect(retries).toEqual([]);
    const explained = explainAwsError(error, 'kinesis:ListStreams');
    expect(explained).toBeInstanceOf(UserError);
    expect(explained?.message).toMatch(new RegExp(`nothing is listening at (127\\.0\\.0\\.1|\\[::1\\]):${port}, the endpoint for kinesis \\(ECONNREFUSED\\)`));
    expect(explained?.hint).toContain('Is `das-read lab` running?');
  });

  it('a read at a local endpoint nobody listens on fails with the hint and no retry', async () => {
    const port = await closedPort();
    const result = await readOnce(`http://127.0.0.1:${port}`, ['--stream-name', 'aws-rds-das-cluster-NOPE', '--region', 'us-east-1', '--verbose']);
    expect(result.code).toBe(ExitCode.runtime);
    expect(result.stderr).toContain(`nothing is listening at 127.0.0.1:${port}`);
    expect(result.stderr).toContain('Is `das-read lab` running?');
    expect(result.stderr).not.toContain('retrying');
    expect(result.stdout).toEqual([]);
  });

  it('a name that does not resolve is tried a few times at most, quickly, and said to not resolve', async () => {
    // .invalid never resolves (RFC 6761); offline, the resolver's EAI_AGAIN is treated the same way.
    const { calls, retries, error } = await tries('http://kinesis.das-read-test.invalid:4566');
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(3);
    // Each pause at most a second: "giving up within" the sum of the steps.
    for (const retry of retries) expect(retry).toMatch(/retrying kinesis:ListStreams in (0\.\d|1\.0) s .*try \d of 3, giving up within 1 s/);
    const explained = explainAwsError(error, 'kinesis:ListStreams');
    expect(explained?.message).toMatch(/the endpoint for kinesis, kinesis\.das-read-test\.invalid, does not resolve \((ENOTFOUND|EAI_AGAIN)/);
  });
});
