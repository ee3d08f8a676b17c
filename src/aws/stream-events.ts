import { DescribeEventsCommand, type RDSClient } from '@aws-sdk/client-rds';
import { explainAwsError } from './aws-errors.js';
import { awsErrorName } from './error-names.js';
import { isTransient, isUnresolvedName, withRetry } from './retry.js';

/**
 * An RDS event about an activity stream. The same shape as StreamEvent in src/report/report-data.ts
 * (the report's contract), written out here because aws/ sits below the report and may not import it.
 */
export interface RdsStreamEvent {
  time: number;
  eventId: string;
  kind: 'started' | 'stopped' | 'other';
  sourceId: string;
  message: string;
}

export interface StreamEventsRequest {
  rds: RDSClient;
  kind: 'cluster' | 'instance';
  /** The DB cluster or instance identifier: DescribeEvents' SourceIdentifier. */
  identifier: string;
  /** The window, epoch ms: [from, until). */
  from: number;
  until: number;
  now: number;
  signal?: AbortSignal;
}

export interface StreamEventsAnswer {
  events: RdsStreamEvent[];
  /** What could not be asked or was refused, in a sentence for the report; null when RDS answered for the whole window. */
  note: string | null;
}

/** DescribeEvents reaches back 14 days and no further. */
export const RDS_EVENTS_REACH_MS = 14 * 24 * 3_600_000;

/**
 * DescribeEvents' Event has no event id: RDS-EVENT-0179 and -0180 are known by their documented
 * messages ("Database Activity Streams is started on your database cluster", "… is stopped …").
 * Anchored at the start, so that only RDS's own sentence counts: an identifier in a message (a
 * user's choice) cannot make one, and has no spaces, so it cannot name "activity stream" either.
 */
const STARTED = /^Database Activity Streams? (?:is|has been|was) started\b/i;
const STOPPED = /^Database Activity Streams? (?:is|has been|was) stopped\b/i;
/** Any other message about the stream (RDS names no id or text for its failure and loss events). */
const NAMES_THE_STREAM = /\bactivity\s+streams?\b/i;

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError']);
/** Credentials AWS would not take: every other call fails alike, so these are errors, not notes. */
const NOT_SIGNED = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);

/** Classifies one RDS event message: the stream's start, its stop, another word about it, or nothing of ours. */
export function streamEventKind(message: string): { kind: RdsStreamEvent['kind']; eventId: string } | undefined {
  if (STARTED.test(message)) return { kind: 'started', eventId: 'RDS-EVENT-0179' };
  if (STOPPED.test(message)) return { kind: 'stopped', eventId: 'RDS-EVENT-0180' };
  // The id of any other event cannot be known from DescribeEvents: ''.
  if (NAMES_THE_STREAM.test(message)) return { kind: 'other', eventId: '' };
  return undefined;
}

/**
 * The activity stream's starts, stops and other events in [from, until), in time order, from RDS's
 * DescribeEvents. What RDS cannot or will not answer is a note, not an error: the report still stands
 * without it. A failure to reach AWS at all (no credentials, no endpoint) is thrown, as every call's is.
 */
export async function streamEventsFor(request: StreamEventsRequest): Promise<StreamEventsAnswer> {
  const { rds, kind, identifier, until, now, signal } = request;
  const notes: string[] = [];
  const oldest = now - RDS_EVENTS_REACH_MS;
  let from = request.from;
  if (until <= oldest) {
    return {
      events: [],
      note: `RDS keeps events 14 days: the activity stream's starts and stops in this window (all before ${iso(oldest)}) could not be asked`,
    };
  }
  if (from < oldest) {
    notes.push(`RDS keeps events 14 days: the activity stream's starts and stops before ${iso(oldest)} could not be asked`);
    from = oldest;
  }
  // An empty window holds no event: nothing to ask.
  if (from >= until) return { events: [], note: notes.length > 0 ? notes.join('; ') : null };
  const events: RdsStreamEvent[] = [];
  const what = `rds:DescribeEvents of ${kind} ${identifier}`;
  let marker: string | undefined;
  try {
    do {
      const page = await withRetry(
        () =>
          rds.send(
            new DescribeEventsCommand({
              SourceType: kind === 'cluster' ? 'db-cluster' : 'db-instance',
              SourceIdentifier: identifier,
              StartTime: new Date(from),
              EndTime: new Date(until),
              MaxRecords: 100,
              Marker: marker,
            }),
            { abortSignal: signal },
          ),
        signal,
        undefined,
        what,
      );
      for (const event of page.Events ?? []) {
        const time = event.Date?.getTime();
        // Asked [from, until], kept [from, until): the window's end belongs to the next one.
        if (time === undefined || Number.isNaN(time) || time < from || time >= until) continue;
        const message = event.Message ?? '';
        const seen = streamEventKind(message);
        if (seen) events.push({ time, ...seen, sourceId: event.SourceIdentifier ?? identifier, message });
      }
      marker = page.Marker || undefined;
    } while (marker);
  } catch (error) {
    if (signal?.aborted) throw error;
    const refusal = refusalNote(error, kind, identifier);
    if (!refusal) throw explainAwsError(error, 'rds:DescribeEvents', `${kind} ${identifier}`) ?? error;
    notes.push(events.length > 0 ? `${refusal}; the events before it are shown` : refusal);
  }
  // Stable: events at one time keep RDS's order.
  events.sort((a, b) => a.time - b.time);
  return { events, note: notes.length > 0 ? notes.join('; ') : null };
}

/** A refusal in words for the report, or undefined when the failure is not RDS's answer (no credentials, nothing listening). */
function refusalNote(error: unknown, kind: string, identifier: string): string | undefined {
  const name = awsErrorName(error);
  const message = error instanceof Error ? error.message : String(error);
  if ((name && NOT_SIGNED.has(name)) || isUnresolvedName(error)) return undefined;
  if (name && DENIED.has(name)) {
    return `RDS refused rds:DescribeEvents (${name}) for ${kind} ${identifier}: the activity stream's starts and stops are not known; grant the reader rds:DescribeEvents to see them`;
  }
  if (name && (error as { $fault?: unknown }).$fault === 'client') return `rds:DescribeEvents of ${kind} ${identifier} was refused: ${name}: ${message}`;
  if (isTransient(error)) return `rds:DescribeEvents of ${kind} ${identifier} kept failing after retries (${name ?? 'error'}: ${message})`;
  return undefined;
}

function iso(millis: number): string {
  return new Date(millis).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
