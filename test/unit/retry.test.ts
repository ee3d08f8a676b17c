import { describe, expect, it, vi } from 'vitest';
import { isTransient, withRetry } from '../../src/aws/retry.js';
import { explainAwsError } from '../../src/aws/aws-errors.js';

const awsError = (name: string, status = 400) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('what is worth retrying', () => {
  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'KMSInternalException', 'LimitExceededException'])('%s', (name) =>
    expect(isTransient(awsError(name))).toBe(true),
  );
  it('any 5xx', () => expect(isTransient(awsError('Whatever', 503))).toBe(true));
  it('a reset connection', () => expect(isTransient(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true));
  it.each(['AccessDeniedException', 'InvalidCiphertextException', 'ResourceNotFoundException', 'ExpiredIteratorException'])('not %s', (name) =>
    expect(isTransient(awsError(name))).toBe(false),
  );
});

describe('retrying', () => {
  it('backs off exponentially, at least half of each step even with the least jitter, at most the step, under the cap, then succeeds', async () => {
    // Fake timers: the test moves the clock, so each retry is seen at the very millisecond it is due.
    vi.useFakeTimers();
    try {
      for (const [random, delays] of [
        // Steps 40, 80, 100 (capped): halves 20, 40, 50 with the least jitter, whole steps with the most.
        [() => 0, [20, 40, 50]],
        [() => 1, [40, 80, 100]],
      ] as const) {
        let calls = 0;
        const result = withRetry(
          async () => {
            if (++calls < 4) throw awsError('ThrottlingException');
            return 'ok';
          },
          undefined,
          { retries: 5, baseDelayMs: 40, maxDelayMs: 100, random },
        );
        await vi.advanceTimersByTimeAsync(0);
        expect(calls).toBe(1);
        for (const [retry, delay] of delays.entries()) {
          await vi.advanceTimersByTimeAsync(delay - 1);
          expect(calls, `retry ${retry + 1} before ${delay} ms`).toBe(retry + 1);
          await vi.advanceTimersByTimeAsync(1);
          expect(calls, `retry ${retry + 1} at ${delay} ms`).toBe(retry + 2);
        }
        expect(await result).toBe('ok');
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up after its retries, with the last error', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw awsError('ThrottlingException');
        },
        undefined,
        { retries: 2, baseDelayMs: 1, maxDelayMs: 1 },
      ),
    ).rejects.toThrow('ThrottlingException');
    expect(calls).toBe(3);
  });

  it('does not retry what will fail again', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw awsError('AccessDeniedException');
      }),
    ).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it('stops waiting when aborted', async () => {
    vi.useFakeTimers();
    try {
      const stop = new AbortController();
      let calls = 0;
      let settled = false;
      const pending = withRetry(
        async () => {
          calls++;
          throw awsError('ThrottlingException');
        },
        stop.signal,
        { retries: 5, baseDelayMs: 10_000, maxDelayMs: 10_000, random: () => 1 },
      );
      void pending.catch(() => {}).finally(() => (settled = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toBe(1);
      stop.abort();
      // A millisecond of the clock, not the 10 s the retry was waiting out.
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      await expect(pending).rejects.toThrow('ThrottlingException');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a service that kept throttling is explained, with what to do', () => {
    const explained = explainAwsError(awsError('ProvisionedThroughputExceededException'), 'kinesis:GetRecords', 'aws-rds-das-x');
    expect(explained?.message).toContain('kinesis:GetRecords on aws-rds-das-x kept failing');
    expect(explained?.hint).toContain('5 GetRecords per second per shard');
  });

  it('a checkpoint is offered only where one resumes: reading the stream, not KMS (which decode and the Lambda call too) nor RDS', () => {
    expect(explainAwsError(awsError('ThrottlingException'), 'kinesis:GetShardIterator', 'aws-rds-das-x')?.hint).toContain('--checkpoint');
    for (const action of ['kms:Decrypt', 'rds:DescribeDBClusters']) {
      const explained = explainAwsError(awsError('ThrottlingException'), action);
      expect(explained?.message, action).toContain(`${action} kept failing`);
      expect(explained?.hint ?? '', action).not.toMatch(/checkpoint/i);
    }
  });
});
