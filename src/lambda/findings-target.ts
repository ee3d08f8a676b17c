import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { BatchImportFindingsCommand, type AwsSecurityFinding, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { LambdaLog } from './delivery.js';

/** A finding in the AWS Security Finding Format, as Security Hub imports it. */
export type AsffFinding = Record<string, unknown> & { Id: string };

/** Where the rules' findings go. */
export interface FindingsTarget {
  /** What the target calls itself in the log. */
  readonly name: string;
  /** The largest finding it takes, in bytes of JSON: a larger one is made with less evidence. */
  readonly findingBytes: number;
  /** For each finding, whether the target took it: never rejects. */
  send(findings: readonly AsffFinding[]): Promise<boolean[]>;
}

export interface RetryOptions {
  /** Calls, the first included, before a finding the target keeps refusing counts as not delivered. */
  attempts?: number;
  /** Before the second call; doubled for each after it. */
  delayMs?: number;
}

/** Security Hub's limits on BatchImportFindings, and EventBridge's on PutEvents. */
export const SECURITY_HUB_LIMITS = { findings: 100, findingBytes: 240 * 1024, callBytes: 6 * 1024 * 1024 } as const;
export const EVENTBRIDGE_LIMITS = { entries: 10, callBytes: 256 * 1024 } as const;

/** The refusals no second call mends: the finding itself is wrong. */
const PERMANENT = new Set(['InvalidInput', 'InvalidInputException', 'MalformedDetail', 'InvalidArgument']);

/** One call's answer: for each finding of the call, nothing (taken) or why it was not. */
type CallAnswer = Array<string | undefined>;

/**
 * Sends in calls within the target's limits; the findings a call refuses (throttling, an internal
 * error), or all of a call that fails, are sent again, a few times, with a growing pause. A finding
 * refused as malformed is not sent again. What is left is logged and reported as not delivered.
 */
async function sendWithRetries(
  name: string,
  findings: readonly AsffFinding[],
  calls: (pending: readonly number[]) => number[][],
  call: (indexes: readonly number[]) => Promise<CallAnswer>,
  log: LambdaLog,
  options: RetryOptions,
): Promise<boolean[]> {
  const attempts = options.attempts ?? 4;
  const delayMs = options.delayMs ?? 100;
  const delivered = findings.map(() => false);
  let pending = findings.map((_, index) => index);
  const given: Array<{ id: string; reason: string }> = [];
  let lastError = '';
  for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (attempt - 2)));
    const refused: number[] = [];
    for (const indexes of calls(pending)) {
      let answer: CallAnswer;
      try {
        answer = await call(indexes);
      } catch (error) {
        answer = indexes.map(() => `${(error as Error).name}: ${(error as Error).message}`);
      }
      indexes.forEach((index, place) => {
        const reason = answer[place];
        if (reason === undefined) return void (delivered[index] = true);
        lastError = reason;
        if (PERMANENT.has(reason.split(':')[0] ?? '')) given.push({ id: (findings[index] as AsffFinding).Id, reason });
        else refused.push(index);
      });
    }
    pending = refused;
  }
  for (const { id, reason } of given) log('ERROR', `${name} refused finding ${id} (${reason}): its record is reported as failed`);
  if (pending.length > 0)
    log(
      'ERROR',
      `${name} did not take ${pending.length} of ${findings.length} findings after ${attempts} attempts (last: ${lastError}): their records are reported as failed`,
    );
  return delivered;
}

/** Findings in order, cut into calls of at most `most` and `bytes` (a finding larger than `bytes` goes alone). */
function callsOf(indexes: readonly number[], sizes: readonly number[], most: number, bytes: number): number[][] {
  const all: number[][] = [];
  let call: number[] = [];
  let size = 0;
  for (const index of indexes) {
    const own = sizes[index] as number;
    if (call.length === most || (call.length > 0 && size + own > bytes)) {
      all.push(call);
      [call, size] = [[], 0];
    }
    call.push(index);
    size += own;
  }
  if (call.length > 0) all.push(call);
  return all;
}

/**
 * AWS Security Hub's BatchImportFindings: at most 100 findings a call. A finding sent again (a
 * retried batch makes the same findings, with the same Id) updates the one Security Hub holds.
 */
export function securityHubTarget(client: SecurityHubClient, log: LambdaLog, options: RetryOptions = {}): FindingsTarget {
  const name = 'Security Hub';
  return {
    name,
    findingBytes: SECURITY_HUB_LIMITS.findingBytes,
    async send(findings) {
      const sizes = findings.map((finding) => Buffer.byteLength(JSON.stringify(finding), 'utf8'));
      return sendWithRetries(
        name,
        findings,
        (pending) => callsOf(pending, sizes, SECURITY_HUB_LIMITS.findings, SECURITY_HUB_LIMITS.callBytes),
        async (indexes) => {
          const sent = indexes.map((index) => findings[index] as AsffFinding);
          const answer = await client.send(new BatchImportFindingsCommand({ Findings: sent as unknown as AwsSecurityFinding[] }));
          // Security Hub names a refused finding by its Id; a call's findings have distinct ones.
          const failed = new Map(
            (answer.FailedFindings ?? []).map((failure) => [failure.Id, `${failure.ErrorCode ?? 'no code'}: ${failure.ErrorMessage ?? ''}`]),
          );
          return sent.map((finding) => failed.get(finding.Id));
        },
        log,
        options,
      );
    },
  };
}

/** What an EventBridge rule matches the findings on. */
export const FINDING_EVENT = { source: 'das-read', detailType: 'das-read Finding' } as const;

/**
 * Amazon EventBridge's PutEvents, on the named bus: one event a finding, its detail shaped as
 * Security Hub's own finding events are (`{"findings": [ASFF]}`), so that one rule pattern serves
 * both. At most 10 entries and 256 KB a call. A retried batch may put a finding again: its Id is
 * the same, for a consumer to drop the repeat.
 */
export function eventBridgeTarget(client: EventBridgeClient, eventBusName: string, log: LambdaLog, options: RetryOptions = {}): FindingsTarget {
  const name = `EventBridge bus ${eventBusName}`;
  const entryOf = (finding: AsffFinding): PutEventsRequestEntry => {
    const resources = Array.isArray(finding.Resources)
      ? (finding.Resources as Array<{ Id?: unknown }>)
          .map((resource) => resource.Id)
          .filter((id): id is string => typeof id === 'string' && id.startsWith('arn:'))
      : [];
    return {
      EventBusName: eventBusName,
      Source: FINDING_EVENT.source,
      DetailType: FINDING_EVENT.detailType,
      Detail: JSON.stringify({ findings: [finding] }),
      Resources: resources,
    };
  };
  const overhead = FINDING_EVENT.source.length + FINDING_EVENT.detailType.length + '{"findings":[]}'.length;
  return {
    name,
    // The entry's Source, DetailType, Resources and the detail's wrapping count toward EventBridge's 256 KB.
    findingBytes: EVENTBRIDGE_LIMITS.callBytes - overhead - 4096,
    async send(findings) {
      const entries = findings.map(entryOf);
      const sizes = entries.map(entrySize);
      return sendWithRetries(
        name,
        findings,
        (pending) => callsOf(pending, sizes, EVENTBRIDGE_LIMITS.entries, EVENTBRIDGE_LIMITS.callBytes),
        async (indexes) => {
          const answer = await client.send(new PutEventsCommand({ Entries: indexes.map((index) => entries[index] as PutEventsRequestEntry) }));
          // EventBridge answers each entry in its place.
          return indexes.map((_, place) => {
            const entry = answer.Entries?.[place];
            if (entry?.EventId && !entry.ErrorCode) return undefined;
            return `${entry?.ErrorCode ?? 'no answer'}: ${entry?.ErrorMessage ?? 'EventBridge did not answer for the entry'}`;
          });
        },
        log,
        options,
      );
    },
  };
}

/** An entry's size as EventBridge counts it: the UTF-8 of Source, DetailType, Detail and Resources (and 14 bytes of a Time). */
function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text ? Buffer.byteLength(text, 'utf8') : 0);
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}
