import type { StartPosition } from '../kinesis/positions.js';
import type { ShardInfo } from '../kinesis/shards.js';
import type { CheckpointState, SavedStart, ShardPosition, StreamIdentity } from './checkpoint-file.js';

/** How far one record's events were handled, to be recorded once they are written. */
export interface Progress {
  shardId: string;
  sequenceNumber: string;
  arrivedAt?: Date;
  /** Events handled; undefined when all of them were. */
  eventIndex?: number;
  /** This was the last record the shard will ever have. */
  shardFinished?: boolean;
}

/**
 * Every shard's position, as the checkpoint holds it, and where each shard resumes.
 * Positions move only by `advance`, which the writer calls after the events are out.
 */
export class PositionBook {
  readonly #shards: Map<string, ShardPosition>;
  /** Shards whose saved position was trimmed away: read from their oldest record. */
  readonly #restart = new Set<string>();

  constructor(
    readonly streamName: string,
    readonly resourceId: string,
    readonly start: SavedStart,
    shards: Record<string, ShardPosition> = {},
    readonly stream?: StreamIdentity,
  ) {
    this.#shards = new Map(Object.entries(shards).map(([id, position]) => [id, { ...position }]));
  }

  /** The saved positions; the resource id and the stream's identity as this run knows them. */
  static from(state: CheckpointState, resourceId: string, stream: StreamIdentity | undefined): PositionBook {
    return new PositionBook(state.streamName, resourceId, state.start, state.shards, stream ?? state.stream);
  }

  /** Where shards without a position start. */
  get startPosition(): StartPosition {
    return this.start.type === 'AT_TIMESTAMP' ? { type: 'AT_TIMESTAMP', timestamp: new Date(this.start.timestamp) } : { type: 'TRIM_HORIZON' };
  }

  finishedShards(): string[] {
    return [...this.#shards].filter(([, position]) => position.finished).map(([id]) => id);
  }

  /** Unfinished shards with a saved position. */
  openPositions(): Array<[string, ShardPosition]> {
    return [...this.#shards].filter(([, position]) => !position.finished && position.sequenceNumber !== undefined);
  }

  resumeAt(shardId: string): StartPosition | undefined {
    const position = this.#shards.get(shardId);
    if (this.#restart.has(shardId)) return { type: 'TRIM_HORIZON' };
    if (!position?.sequenceNumber) return undefined;
    // Inside a record: read it again and skip what was written.
    if (position.eventIndex !== undefined) return { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: position.sequenceNumber };
    return { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: position.sequenceNumber };
  }

  /** Events of this record already handled by an earlier run. */
  handledEvents(shardId: string, sequenceNumber: string): number {
    const position = this.#shards.get(shardId);
    return position?.sequenceNumber === sequenceNumber ? (position.eventIndex ?? 0) : 0;
  }

  /** After a gap: what was saved is gone, read what is left from the oldest record. */
  restartFromOldest(shardId: string): void {
    this.#shards.delete(shardId);
    this.#restart.add(shardId);
  }

  advance(progress: Progress): void {
    const position: ShardPosition = { sequenceNumber: progress.sequenceNumber };
    if (progress.arrivedAt) position.arrivedAt = progress.arrivedAt.toISOString();
    if (progress.eventIndex !== undefined) position.eventIndex = progress.eventIndex;
    if (progress.shardFinished && progress.eventIndex === undefined) position.finished = true;
    this.#shards.set(progress.shardId, position);
    this.#restart.delete(progress.shardId);
  }

  /**
   * Shards the checkpoint calls finished that Kinesis lists as open (no ending sequence number):
   * they are read on from their saved position. Returns their ids.
   */
  reopenUnclosed(listed: readonly ShardInfo[]): string[] {
    const reopened: string[] = [];
    for (const shard of listed) {
      const position = this.#shards.get(shard.shardId);
      if (shard.closed || !position?.finished) continue;
      const { finished: _, ...rest } = position;
      if (rest.sequenceNumber === undefined) this.#shards.delete(shard.shardId);
      else this.#shards.set(shard.shardId, rest);
      reopened.push(shard.shardId);
    }
    return reopened;
  }

  markFinished(shardId: string): void {
    this.#shards.set(shardId, { ...this.#shards.get(shardId), finished: true });
  }

  toState(savedAt: Date): CheckpointState {
    const shards = Object.fromEntries(this.#shards);
    return {
      version: 1,
      streamName: this.streamName,
      resourceId: this.resourceId,
      ...(this.stream ? { stream: this.stream } : {}),
      start: this.start,
      savedAt: savedAt.toISOString(),
      shards,
    };
  }
}
