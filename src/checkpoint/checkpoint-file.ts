import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { withSystemWords } from '../system-errors.js';
import { dirname, basename, join } from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import type { StreamIdentity } from '../kinesis/stream-summary.js';

export type { StreamIdentity } from '../kinesis/stream-summary.js';

/** Where one shard's reading stands. Only positions: never a key, never an event. */
export interface ShardPosition {
  /** The last record whose events were all written (or, with eventIndex, some of them). */
  sequenceNumber?: string;
  /** When that record arrived in Kinesis: tells whether retention has trimmed what follows. */
  arrivedAt?: string;
  /** Events of that record already handled, when a run stopped inside it (--max-events). */
  eventIndex?: number;
  /** Read to its end: its children carry on. */
  finished?: boolean;
}

export type SavedStart = { type: 'TRIM_HORIZON' } | { type: 'AT_TIMESTAMP'; timestamp: string };


export interface CheckpointState {
  version: 1;
  streamName: string;
  resourceId: string;
  /**
   * Which Kinesis stream the positions belong to (stopping an activity stream deletes it, and
   * starting it again makes a new one, same name, same shard ids). Absent in checkpoints of
   * earlier versions, or without kinesis:DescribeStreamSummary.
   */
  stream?: StreamIdentity;
  /** Where shards without a position start: the first run's --from. */
  start: SavedStart;
  savedAt: string;
  shards: Record<string, ShardPosition>;
}

/** Reads a checkpoint; undefined if there is none yet. Refuses a damaged file rather than starting over silently. */
export async function loadCheckpoint(path: string): Promise<CheckpointState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw withSystemWords(error, `read the checkpoint ${path}`);
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    throw damaged(path, 'it is not JSON');
  }
  const problem = whatIsWrong(state);
  if (problem) throw damaged(path, problem);
  return state as CheckpointState;
}

/** The checkpoint must be this stream's: reading another from its positions would skip or repeat events. */
export function assertSameStream(path: string, state: CheckpointState, streamName: string): void {
  if (state.streamName !== streamName) {
    throw new UserError(
      `the checkpoint ${path} belongs to ${state.streamName} (${state.resourceId}), not to ${streamName}`,
      ExitCode.usage,
      'Use one checkpoint file per stream.',
    );
  }
}

/**
 * Replaces the checkpoint atomically: a reader (or a crash) sees the old file or the
 * new one, never half of one. Temp file in the same folder, mode 0600, fsync, rename,
 * then fsync the folder so the rename itself survives a power cut.
 */
export async function saveCheckpoint(path: string, state: CheckpointState): Promise<void> {
  const folder = dirname(path);
  const temp = join(folder, `.${basename(path)}.tmp`);
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const file = await open(temp, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify(state, null, 2) + '\n');
      await file.chmod(0o600);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
    const dir = await open(folder, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (error) {
    // No half-written temporary file is left behind; the checkpoint itself is still the last one saved.
    await unlink(temp).catch(() => {});
    throw withSystemWords(error, `save the checkpoint ${path}`, 'The checkpoint keeps its last saved position: the next run repeats the events written since, none is lost.');
  }
}

function damaged(path: string, why: string): UserError {
  return new UserError(
    `the checkpoint ${path} is damaged: ${why}`,
    undefined,
    'Fix it, or move it away to start over from --from (events may then be repeated or skipped).',
  );
}

function whatIsWrong(state: unknown): string | undefined {
  if (typeof state !== 'object' || state === null) return 'it is not a JSON object';
  const fields = state as Record<string, unknown>;
  if (fields.version !== 1) return `unknown version ${JSON.stringify(fields.version)}`;
  if (typeof fields.streamName !== 'string' || typeof fields.resourceId !== 'string') return 'it names no stream';
  const stream = fields.stream as Record<string, unknown> | undefined;
  if (stream !== undefined && (typeof stream !== 'object' || stream === null || typeof stream.arn !== 'string' || typeof stream.createdAt !== 'string')) return 'its stream identity is damaged';
  const start = fields.start as Record<string, unknown> | undefined;
  if (!start || (start.type !== 'TRIM_HORIZON' && !(start.type === 'AT_TIMESTAMP' && typeof start.timestamp === 'string'))) return 'its start position is missing';
  if (typeof fields.shards !== 'object' || fields.shards === null) return 'it has no shard positions';
  for (const [shardId, position] of Object.entries(fields.shards as Record<string, unknown>)) {
    const p = position as Record<string, unknown>;
    if (typeof p !== 'object' || p === null) return `shard ${shardId} has no position`;
    if (p.sequenceNumber !== undefined && (typeof p.sequenceNumber !== 'string' || !/^\d+$/.test(p.sequenceNumber))) return `shard ${shardId} has a bad sequence number`;
    if (p.eventIndex !== undefined && (!Number.isInteger(p.eventIndex) || (p.eventIndex as number) < 0)) return `shard ${shardId} has a bad event index`;
  }
  return undefined;
}
