import { awsErrorName } from './error-names.js';
import { sleep } from '../kinesis/sleep.js';

const TRANSIENT_CODES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'LimitExceededException',
  'KMSInternalException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH']);

/** Throttling, 5xx and network failures: worth another try after a pause. */
export function isTransient(error: unknown): boolean {
  const name = awsErrorName(error);
  if (name && TRANSIENT_CODES.has(name)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return error instanceof Error && /socket hang up|ECONNRESET|network/i.test(error.message);
}

export interface RetryPolicy {
  /** Tries after the first; then the last error is thrown. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
}

/** About two minutes of trying before a run gives up on a service. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 10, baseDelayMs: 250, maxDelayMs: 20_000 };

/**
 * Runs `call` again on transient failures, waiting exponential backoff with equal
 * jitter between tries: at least half the step, so never a busy loop, and spread so
 * that shards throttled together do not retry together. Stops early when the signal aborts.
 */
export async function withRetry<T>(call: () => Promise<T>, signal?: AbortSignal, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  const random = policy.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.retries || !isTransient(error) || signal?.aborted) throw error;
      const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
      await sleep(Math.round(step / 2 + random() * (step / 2)), signal);
    }
  }
}
