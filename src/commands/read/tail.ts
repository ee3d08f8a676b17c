import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Decoder } from '../../decode/decoder.js';
import { decodeBatches, type DecodedBatch } from '../../decode/decode-stage.js';
import type { DecodedRecord } from '../../decode/types.js';
import type { StartPosition } from '../../kinesis/positions.js';
import { readStream } from '../../kinesis/stream-reader.js';

/** Where each shard starts so that the first events written are the last n, and how many events of that first record to pass. */
export interface TailStart {
  resumeAt(shardId: string): StartPosition;
  handled(shardId: string, sequenceNumber: string): number;
  /**
   * The last record the look-back read of a shard (null: none, or a shard it never saw). With
   * --no-follow the read ends there: what arrived since is not among the last n.
   */
  endAfter(shardId: string): string | null;
}

export interface TailOptions {
  kinesis: KinesisClient;
  streamName: string;
  decoder: Decoder;
  /** The events that would be written: heartbeats and filters as the read applies them. */
  keeps(record: DecodedRecord, index: number): boolean;
  now: Date;
  signal: AbortSignal;
}

/** Windows looked back over, each wider, until one holds n events; the last is all the stream retains. */
const WINDOWS_MS = [60_000, 10 * 60_000, 60 * 60_000, 6 * 60 * 60_000, Number.POSITIVE_INFINITY];

interface Candidate {
  shardId: string;
  sequenceNumber: string;
  index: number;
  at: number;
  /** Its place in its shard: a tie on arrival time keeps the shard's order. */
  order: number;
}

/**
 * `--tail n`: Kinesis reads forward only, so das-read reads a recent window of the stream (wider
 * until it holds n events, or all there is), keeps each shard's last n, and starts each shard at
 * its part of the n latest overall, by arrival time (ties in the order read); later records come
 * whole, and then the read goes on (with --no-follow, it ends where the look-back ended).
 */
export async function tailStart(n: number, options: TailOptions): Promise<TailStart> {
  const read = (from: StartPosition) =>
    decodeBatches(readStream({ kinesis: options.kinesis, streamName: options.streamName, follow: false, from, signal: options.signal }), options.decoder);
  return tailOver(n, read, options);
}

/** The look-back over any reading of the stream up to its current end, from a position: the stream's, or a unit test's. */
export async function tailOver(
  n: number,
  read: (from: StartPosition) => AsyncIterable<DecodedBatch>,
  options: Pick<TailOptions, 'keeps' | 'now'>,
): Promise<TailStart> {
  for (const windowMs of WINDOWS_MS) {
    const from: StartPosition = Number.isFinite(windowMs)
      ? { type: 'AT_TIMESTAMP', timestamp: new Date(options.now.getTime() - windowMs) }
      : { type: 'TRIM_HORIZON' };
    const kept = new Map<string, Candidate[]>();
    const last = new Map<string, string>();
    let total = 0;
    for await (const batch of read(from)) {
      for (const outcome of batch.outcomes) {
        last.set(outcome.raw.shardId, outcome.raw.sequenceNumber);
        // An unreadable record is the read's to report, where it starts.
        const record = outcome.decoded;
        if (!record) continue;
        const shard = kept.get(record.shardId) ?? [];
        kept.set(record.shardId, shard);
        for (let index = 0; index < record.eventCount; index++) {
          if (!options.keeps(record, index)) continue;
          total++;
          shard.push({ shardId: record.shardId, sequenceNumber: record.sequenceNumber, index, at: outcome.raw.arrivalTime?.getTime() ?? 0, order: total });
          if (shard.length > n) shard.shift();
        }
      }
    }
    if (total < n && Number.isFinite(windowMs)) continue;
    const latest = [...kept.values()]
      .flat()
      .sort((a, b) => b.at - a.at || b.order - a.order)
      .slice(0, n);
    // Each shard is read forward from one place: its part of the n is the end of what it kept, as
    // many as the n latest took from it, even where its arrival times are out of order.
    const taken = new Map<string, number>();
    for (const candidate of latest) taken.set(candidate.shardId, (taken.get(candidate.shardId) ?? 0) + 1);
    const first = new Map<string, Candidate>();
    for (const [shardId, count] of taken) {
      const shard = kept.get(shardId) ?? [];
      const candidate = shard[shard.length - count];
      if (candidate) first.set(shardId, candidate);
    }
    return {
      resumeAt(shardId) {
        const start = first.get(shardId);
        if (start) return { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: start.sequenceNumber };
        const read = last.get(shardId);
        // A shard with none of the n: after what the look-back read of it, or where it looked from.
        return read ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: read } : from;
      },
      handled(shardId, sequenceNumber) {
        const start = first.get(shardId);
        return start && start.sequenceNumber === sequenceNumber ? start.index : 0;
      },
      endAfter(shardId) {
        return last.get(shardId) ?? null;
      },
    };
  }
  throw new Error('unreachable: the last window is the whole stream');
}
