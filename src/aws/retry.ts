import { AsyncLocalStorage } from 'node:async_hooks';
import { awsErrorName } from './error-names.js';
import { sleep } from '../sleep.js';

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

/** An address on this machine: 127.0.0.0/8, ::1, or either written the other way. */
function isLoopback(address: unknown): boolean {
  return typeof address === 'string' && /^(127\.|::1$|::ffff:127\.|0:0:0:0:0:0:0:1$)/i.test(address);
}

/**
 * Nothing listens at a local endpoint (a lab not started, or on another port): waiting will not
 * start it, so this fails at once. `localhost` tried over IPv6 then IPv4 fails as one AggregateError.
 */
export function isRefusedLocally(error: unknown): boolean {
  const failure = error as { code?: unknown; address?: unknown; errors?: unknown };
  if (failure?.code !== 'ECONNREFUSED') return false;
  if (isLoopback(failure.address)) return true;
  return Array.isArray(failure.errors) && failure.errors.length > 0 && failure.errors.every((each) => isLoopback((each as { address?: unknown })?.address));
}

/** A host name that does not resolve: a mistyped region or endpoint, or no DNS at all; rarely a moment's outage. */
export function isUnresolvedName(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

/** Throttling, 5xx and network failures: worth another try after a pause. */
export function isTransient(error: unknown): boolean {
  if (isRefusedLocally(error)) return false;
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

/** 10 tries after the first, over 46–92 s (equal jitter): a minute or so of an outage ridden out. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 10, baseDelayMs: 250, maxDelayMs: 20_000 };

/** A name that does not resolve gets this many quick tries: said within a few seconds, a DNS hiccup still ridden out. */
const UNRESOLVED_NAME_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 250, maxDelayMs: 1_000 };

/** The policy for a failure: the caller's, but no longer or slower than the quick one for a name that does not resolve. */
function policyFor(error: unknown, policy: RetryPolicy): RetryPolicy {
  if (!isUnresolvedName(error)) return policy;
  return {
    ...policy,
    retries: Math.min(policy.retries, UNRESOLVED_NAME_RETRY.retries),
    maxDelayMs: Math.min(policy.maxDelayMs, UNRESOLVED_NAME_RETRY.maxDelayMs),
  };
}

/** What a retry tells whoever is watching: which call, why, and how long before das-read gives up. */
type RetryReporter = (message: string) => void;

const reporters = new AsyncLocalStorage<RetryReporter>();

/** Runs `work` with every retry inside it, at any depth, told to `reporter`. */
export function reportingRetries<T>(reporter: RetryReporter, work: () => Promise<T>): Promise<T> {
  return reporters.run(reporter, work);
}

/** The longest a policy keeps trying, in seconds: every step at its full length. */
function giveUpAfterSeconds(policy: RetryPolicy): number {
  let total = 0;
  for (let attempt = 0; attempt < policy.retries; attempt++) total += Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(total / 1000);
}

/**
 * Runs `call` again on transient failures, waiting exponential backoff with equal
 * jitter between tries: at least half the step, so never a busy loop, and spread so
 * that shards throttled together do not retry together. Stops early when the signal aborts.
 * `what` names the call (`kinesis:GetRecords on shardId-…`) for the retry's report.
 */
export async function withRetry<T>(call: () => Promise<T>, signal?: AbortSignal, callerPolicy: RetryPolicy = DEFAULT_RETRY, what = 'an AWS call'): Promise<T> {
  const random = callerPolicy.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const policy = policyFor(error, callerPolicy);
      if (attempt >= policy.retries || !isTransient(error) || signal?.aborted) throw error;
      const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
      const delay = Math.round(step / 2 + random() * (step / 2));
      reporters.getStore()?.(
        `retrying ${what} in ${(delay / 1000).toFixed(1)} s (${awsErrorName(error) ?? (error as { code?: string }).code ?? (error as Error).message}; try ${attempt + 2} of ${policy.retries + 1}, giving up within ${giveUpAfterSeconds(policy)} s)`,
      );
      await sleep(delay, signal);
    }
  }
}
