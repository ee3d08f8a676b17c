import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient, type GetRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { callAws, explainAwsError } from '../aws/aws-errors.js';
import { withRetry, type RetryPolicy } from '../aws/retry.js';
import { awsErrorName } from '../aws/error-names.js';
import { iteratorRequest, type StartPosition } from './positions.js';
import { sleep } from '../sleep.js';
import type { RawRecord } from './raw-record.js';

/** What one GetRecords call brought from one shard. */
export interface ShardBatch {
  shardId: string;
  records: RawRecord[];
  millisBehindLatest: number | undefined;
  /** The shard is closed and this was its last batch: its children may be read now. */
  shardEnded: boolean;
}

export interface ShardReadOptions {
  kinesis: KinesisClient;
  streamName: string;
  shardId: string;
  start: StartPosition;
  /** End at the tip (MillisBehindLatest 0) instead of waiting for more. */
  stopAtTip: boolean;
  /** Records that arrived after this are not read, and the shard ends there. */
  until?: Date;
  /** The shard ends after this record (null: before its first); what follows is not read. */
  endAfter?: string | null;
  limit: number;
  /** Pause after an empty answer at the tip: a live DAS stream is never idle for long. */
  idlePollMs: number;
  /** Kinesis allows 5 GetRecords per second per shard, shared by every reader of the stream. */
  minCallIntervalMs: number;
  signal: AbortSignal;
  now?: () => number;
  retry?: RetryPolicy;
}

export const SHARD_READ_DEFAULTS = { limit: 1000, idlePollMs: 1000, minCallIntervalMs: 200 } as const;

/** Reads one shard in order, from `start` to its end (closed), its tip (stopAtTip), or the abort. */
export async function* readShard(options: ShardReadOptions): AsyncGenerator<ShardBatch> {
  const { kinesis, streamName, shardId, signal } = options;
  const now = options.now ?? Date.now;
  let lastSequenceNumber: string | undefined;
  const position = (): StartPosition => (lastSequenceNumber ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastSequenceNumber } : options.start);
  const newIterator = async () => {
    const answer = await callAws('kinesis:GetShardIterator', streamName, () =>
      withRetry(
        () => kinesis.send(new GetShardIteratorCommand(iteratorRequest(streamName, shardId, position())), { abortSignal: signal }),
        signal,
        options.retry,
        `kinesis:GetShardIterator on ${shardId}`,
      ),
    );
    return answer.ShardIterator;
  };

  let iterator = await newIterator();
  let lastCallAt = -Infinity;
  while (iterator && !signal.aborted) {
    await sleep(lastCallAt + options.minCallIntervalMs - now(), signal);
    if (signal.aborted) return;
    lastCallAt = now();
    let answer: GetRecordsCommandOutput;
    try {
      const current = iterator;
      answer = await withRetry(
        () => kinesis.send(new GetRecordsCommand({ ShardIterator: current, Limit: options.limit }), { abortSignal: signal }),
        signal,
        options.retry,
        `kinesis:GetRecords on ${shardId}`,
      );
    } catch (error) {
      // Iterators live 5 minutes; a slow consumer outlives them. Resume after the last record seen.
      if (awsErrorName(error) === 'ExpiredIteratorException') {
        iterator = await newIterator();
        continue;
      }
      throw explainAwsError(error, 'kinesis:GetRecords', streamName) ?? error;
    }
    let records: RawRecord[] = (answer.Records ?? []).map((record) => ({
      shardId,
      sequenceNumber: record.SequenceNumber ?? '',
      data: record.Data ?? new Uint8Array(),
      arrivalTime: record.ApproximateArrivalTimestamp,
    }));
    const behind = answer.MillisBehindLatest;
    // MillisBehindLatest is measured in arrival time: records that arrived in the same
    // millisecond as the last one returned read as 0 behind. A full batch is never the tip.
    const atTip = records.length < options.limit && (behind === 0 || (behind === undefined && records.length === 0));
    let pastUntil = false;
    if (options.until) {
      const until = options.until.getTime();
      const cut = records.findIndex((record) => (record.arrivalTime?.getTime() ?? 0) > until);
      if (cut >= 0) records = records.slice(0, cut);
      pastUntil = cut >= 0 || (atTip && now() > until);
    }
    let pastEnd = false;
    if (options.endAfter !== undefined) {
      const end = options.endAfter;
      const cut = records.findIndex((record) => end === null || BigInt(record.sequenceNumber) > BigInt(end));
      if (cut >= 0) records = records.slice(0, cut);
      // Records past the end are cut, and the shard is not taken for ended: its children are newer still.
      pastUntil ||= cut >= 0;
      // At the last record wanted: no need to ask again (a closed shard whose last record it is still says it ended).
      pastEnd = end !== null && records.at(-1)?.sequenceNumber === end;
    }
    const shardEnded = !answer.NextShardIterator && !pastUntil;
    if (records.length > 0 || shardEnded) {
      yield { shardId, records, millisBehindLatest: behind, shardEnded };
      const last = records.at(-1);
      if (last) lastSequenceNumber = last.sequenceNumber;
    }
    if (shardEnded || pastUntil || pastEnd || (options.stopAtTip && atTip)) return;
    iterator = answer.NextShardIterator;
    if (records.length === 0 && atTip) await sleep(options.idlePollMs, signal);
  }
}
