import type { RDSClient } from '@aws-sdk/client-rds';
import type { STSClientConfig } from '@aws-sdk/client-sts';

/** How long a "not found" waits to learn the account: it is said to the user, who should not wait for it. */
const ASK_TIMEOUT_MS = 3_000;

/** The STS settings of each RDS client das-read made: its endpoint and profile, which its config no longer tells apart from the environment's. */
const stsSettings = new WeakMap<RDSClient, STSClientConfig>();

/** Remembers how STS is reached with the same settings as `rds` (`--endpoint-url`, `--profile`, the request handler). */
export function askAccountAs(rds: RDSClient, settings: STSClientConfig): void {
  stsSettings.set(rds, settings);
}

/**
 * The account whose credentials `rds` signs with, as STS GetCallerIdentity names it; undefined when STS does
 * not answer within a few seconds or refuses. Asked only to word an error, so the SDK's STS client is loaded then.
 */
export async function callerAccount(rds: RDSClient, signal?: AbortSignal): Promise<string | undefined> {
  const settings = stsSettings.get(rds) ?? { region: rds.config.region, requestHandler: rds.config.requestHandler };
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  // The credentials already resolved for RDS (an assumed role, an SSO session), not the chain again.
  // Not destroyed: the request handler is the RDS client's, destroyed with it.
  const sts = new STSClient({ ...settings, credentials: rds.config.credentials, maxAttempts: 1 });
  // A timer of our own, not AbortSignal.timeout(): on Node 20 one held only by AbortSignal.any() is garbage-collected.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), ASK_TIMEOUT_MS);
  try {
    const answer = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal });
    return answer.Account;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
