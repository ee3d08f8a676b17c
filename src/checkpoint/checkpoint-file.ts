import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { withSystemWords } from '../system-errors.js';
import { replaceFile } from '../replace-file.js';
import { ExitCode, UserError } from '../errors.js';
import type { StreamIdentity } from '../kinesis/stream-summary.js';
import { assertSafeFile, assertSafeFolder } from './safe-place.js';

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

/** A checkpoint is positions only: a few hundred bytes a shard. Anything far larger is not one. */
const MAX_CHECKPOINT_BYTES = 16 * 1024 * 1024;

/**
 * Reads a checkpoint; undefined if there is none yet. Refuses a damaged file rather than starting
 * over silently, and one another user could have written (`uid`: the running user's).
 */
export async function loadCheckpoint(path: string, uid?: number): Promise<CheckpointState | undefined> {
  await assertSafeFolder(path, uid);
  const checked = await assertSafeFile(path, uid);
  if (!checked) return undefined;
  let bytes: Buffer;
  try {
    // Not through a link, and the very file whose owner and mode were checked.
    const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const info = await file.stat();
      if (info.ino !== checked.ino || info.dev !== checked.dev) throw damaged(path, 'it was replaced while being read');
      if (info.size > MAX_CHECKPOINT_BYTES) throw damaged(path, `it holds ${info.size} bytes, far more than positions take`);
      bytes = await file.readFile();
    } finally {
      await file.close();
    }
  } catch (error) {
    throw withSystemWords(error, `read the checkpoint ${path}`);
  }
  return parseCheckpoint(bytes, path);
}

/**
 * The checkpoint reader as a pure function: any text or bytes either give a state whose every
 * field has its type and form, or a UserError naming `path` and what is wrong. Nothing else is
 * passed on (unknown fields are refused, not carried), so no wrong-typed value reaches Kinesis.
 */
export function parseCheckpoint(content: string | Uint8Array, path: string): CheckpointState {
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch {
      throw damaged(path, 'it is not UTF-8 text');
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw damaged(path, 'it is not JSON');
  }
  const state = validState(parsed);
  if (typeof state === 'string') throw damaged(path, state);
  return state;
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
  try {
    await replaceFile(path, JSON.stringify(state, null, 2) + '\n');
  } catch (error) {
    // The checkpoint itself is still the last one saved.
    throw withSystemWords(
      error,
      `save the checkpoint ${path}`,
      'The checkpoint keeps its last saved position: the next run repeats the events written since, none is lost.',
    );
  }
}

function damaged(path: string, why: string): UserError {
  return new UserError(
    `the checkpoint ${path} is damaged: ${why}`,
    undefined,
    'Fix it, or move it away to start over from --from (events may then be repeated or skipped).',
  );
}

export { removeLeftoverTemps } from '../replace-file.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
/** Kinesis' own patterns: anything else would reach it only to be refused as a SerializationException. */
const SEQUENCE_NUMBER = /^(?:0|[1-9]\d{0,128})$/;
const SHARD_ID = /^[a-zA-Z0-9_.-]{1,128}$/;

const isTime = (value: unknown): value is string => typeof value === 'string' && ISO_TIME.test(value) && Number.isFinite(Date.parse(value));
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A field name das-read does not write, said safely (it comes from the file). */
const unknownIn = (fields: Record<string, unknown>, known: readonly string[]): string | undefined => {
  const name = Object.keys(fields).find((key) => !known.includes(key));
  return name === undefined ? undefined : JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
};

/** The state, built anew from checked fields; or what is wrong, in words. */
function validState(value: unknown): CheckpointState | string {
  if (!isRecord(value)) return 'it is not a JSON object';
  const unknown = unknownIn(value, ['version', 'streamName', 'resourceId', 'stream', 'start', 'savedAt', 'shards']);
  if (unknown) return `it has a field das-read does not write, ${unknown}`;
  if (value.version !== 1) return typeof value.version === 'number' ? `unknown version ${value.version}` : 'it has no version number';
  if (typeof value.streamName !== 'string' || value.streamName === '' || typeof value.resourceId !== 'string') return 'it names no stream';
  let stream: StreamIdentity | undefined;
  if (value.stream !== undefined) {
    const s = value.stream;
    if (!isRecord(s) || unknownIn(s, ['arn', 'createdAt']) || typeof s.arn !== 'string' || s.arn === '' || !isTime(s.createdAt))
      return 'its stream identity is damaged';
    stream = { arn: s.arn, createdAt: s.createdAt };
  }
  const start = savedStartOf(value.start);
  if (!start) return 'its start position is missing or damaged';
  if (!isTime(value.savedAt)) return 'its savedAt is not a time';
  if (!isRecord(value.shards)) return 'it has no shard positions';
  const shards: Record<string, ShardPosition> = {};
  for (const [shardId, p] of Object.entries(value.shards)) {
    if (!SHARD_ID.test(shardId)) return 'it has a shard id that is not one';
    const position = shardPositionOf(p);
    if (typeof position === 'string') return `shard ${shardId} has ${position}`;
    // Defined as data: a shard id such as __proto__ stays a key, never a prototype.
    Object.defineProperty(shards, shardId, { value: position, enumerable: true, writable: true, configurable: true });
  }
  return { version: 1, streamName: value.streamName, resourceId: value.resourceId, ...(stream ? { stream } : {}), start, savedAt: value.savedAt, shards };
}

function savedStartOf(value: unknown): SavedStart | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === 'TRIM_HORIZON' && !unknownIn(value, ['type'])) return { type: 'TRIM_HORIZON' };
  if (value.type === 'AT_TIMESTAMP' && !unknownIn(value, ['type', 'timestamp']) && isTime(value.timestamp))
    return { type: 'AT_TIMESTAMP', timestamp: value.timestamp };
  return undefined;
}

function shardPositionOf(value: unknown): ShardPosition | string {
  if (!isRecord(value)) return 'no position';
  const unknown = unknownIn(value, ['sequenceNumber', 'arrivedAt', 'eventIndex', 'finished']);
  if (unknown) return `a field das-read does not write, ${unknown}`;
  const position: ShardPosition = {};
  if (value.sequenceNumber !== undefined) {
    if (typeof value.sequenceNumber !== 'string' || !SEQUENCE_NUMBER.test(value.sequenceNumber)) return 'a bad sequence number';
    position.sequenceNumber = value.sequenceNumber;
  }
  if (value.arrivedAt !== undefined) {
    if (!isTime(value.arrivedAt)) return 'a bad arrival time';
    position.arrivedAt = value.arrivedAt;
  }
  if (value.eventIndex !== undefined) {
    if (typeof value.eventIndex !== 'number' || !Number.isSafeInteger(value.eventIndex) || value.eventIndex < 0) return 'a bad event index';
    if (position.sequenceNumber === undefined) return 'an event index without a sequence number';
    position.eventIndex = value.eventIndex;
  }
  if (value.finished !== undefined) {
    if (typeof value.finished !== 'boolean') return 'a "finished" that is neither true nor false';
    position.finished = value.finished;
  }
  return position;
}
