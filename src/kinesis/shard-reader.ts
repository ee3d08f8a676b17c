import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient, type GetRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { callAws } from '../aws/aws-errors.js';
import { awsErrorName } from '../aws/error-names.js';
import { iteratorRequest, type StartPosition } from './positions.js';
import { sleep } from './sleep.js';
import type { RawRecord } from '../decode/types.js';

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
  limit: number;
  /** Pause after an empty answer at the tip: a live DAS stream is never idle for long. */
  idlePollMs: number;
  /** Kinesis allows 5 GetRecords per second per shard, shared by every reader of the stream. */
  minCallIntervalMs: number;
  signal: AbortSignal;
  now?: () => number;
}

export const SHARD_READ_DEFAULTS = { limit: 1000, idlePollMs: 1000, minCallIntervalMs: 200 } as const;

/** Reads one shard in order, from `start` to its end (closed), its tip (stopAtTip), or the abort. */
export async function* readShard(options: ShardReadOptions): AsyncGenerator<ShardBatch> {
  const { kinesis, streamName, shardId, signal } = options;
  const now = options.now ?? Date.now;
  let lastSequenceNumber: string | undefined;
  const position = (): StartPosition =>
    lastSequenceNumber ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastSequenceNumber } : options.start;
  const newIterator = async () => {
    const answer = await callAws('kinesis:GetShardIterator', streamName, () =>
      kinesis.send(new GetShardIteratorCommand(iteratorRequest(streamName, shardId, position())), { abortSignal: signal }),
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
      answer = await callAws('kinesis:GetRecords', streamName, () =>
        kinesis.send(new GetRecordsCommand({ ShardIterator: current, Limit: options.limit }), { abortSignal: signal }),
      );
    } catch (error) {
      // Iterators live 5 minutes; a slow consumer outlives them. Resume after the last record seen.
      if (awsErrorName(error) === 'ExpiredIteratorException') {
        iterator = await newIterator();
        continue;
      }
      throw error;
    }
    const records: RawRecord[] = (answer.Records ?? []).map((record) => ({
      shardId,
      sequenceNumber: record.SequenceNumber ?? '',
      data: record.Data ?? new Uint8Array(),
      arrivalTime: record.ApproximateArrivalTimestamp,
    }));
    const shardEnded = !answer.NextShardIterator;
    const behind = answer.MillisBehindLatest;
    const atTip = behind === 0 || (behind === undefined && records.length === 0);
    if (records.length > 0 || shardEnded) {
      yield { shardId, records, millisBehindLatest: behind, shardEnded };
      const last = records.at(-1);
      if (last) lastSequenceNumber = last.sequenceNumber;
    }
    if (shardEnded || (options.stopAtTip && atTip)) return;
    iterator = answer.NextShardIterator;
    if (records.length === 0 && atTip) await sleep(options.idlePollMs, signal);
  }
}
