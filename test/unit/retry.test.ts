import { describe, expect, it } from 'vitest';
import { isTransient, withRetry } from '../../src/aws/retry.js';
import { explainAwsError } from '../../src/aws/aws-errors.js';

const awsError = (name: string, status = 400) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('what is worth retrying', () => {
  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'KMSInternalException', 'LimitExceededException'])('%s', (name) =>
    expect(isTransient(awsError(name))).toBe(true));
  it('any 5xx', () => expect(isTransient(awsError('Whatever', 503))).toBe(true));
  it('a reset connection', () => expect(isTransient(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true));
  it.each(['AccessDeniedException', 'InvalidCiphertextException', 'ResourceNotFoundException', 'ExpiredIteratorException'])('not %s', (name) =>
    expect(isTransient(awsError(name))).toBe(false));
});

describe('retrying', () => {
  it('backs off exponentially, at least half of each step even with the least jitter, under the cap, then succeeds', async () => {
    let calls = 0;
    const started = Date.now();
    const result = await withRetry(
      async () => {
        if (++calls < 4) throw awsError('ThrottlingException');
        return 'ok';
      },
      undefined,
      { retries: 5, baseDelayMs: 40, maxDelayMs: 100, random: () => 0 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    // Steps 40, 80, 100 (capped): halves 20 + 40 + 50.
    expect(Date.now() - started).toBeGreaterThanOrEqual(105);
  });

  it('gives up after its retries, with the last error', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw awsError('ThrottlingException'); }, undefined, { retries: 2, baseDelayMs: 1, maxDelayMs: 1 })).rejects.toThrow('ThrottlingException');
    expect(calls).toBe(3);
  });

  it('does not retry what will fail again', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw awsError('AccessDeniedException'); })).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it('stops waiting when aborted', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const pending = withRetry(async () => { throw awsError('ThrottlingException'); }, stop.signal, { retries: 5, baseDelayMs: 10_000, maxDelayMs: 10_000, random: () => 1 });
    setTimeout(() => stop.abort(), 20);
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a service that kept throttling is explained, with what to do', () => {
    const explained = explainAwsError(awsError('ProvisionedThroughputExceededException'), 'kinesis:GetRecords', 'aws-rds-das-x');
    expect(explained?.message).toContain('kinesis:GetRecords on aws-rds-das-x kept failing');
    expect(explained?.hint).toContain('5 GetRecords per second per shard');
  });
});
