import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCheckpoint, type CheckpointState } from '../../checkpoint/checkpoint-file.js';
import { assertSafeFile, assertSafeFolder, assertSafeStats } from '../../checkpoint/safe-place.js';
import { UserError } from '../../errors.js';
import { withSystemWords } from '../../system-errors.js';
import { replaceFile } from '../../replace-file.js';

/** What the index says of a day, kept so that the index is made without reading every day. */
export interface DaySummary {
  events: number;
  users: number;
  failures: number;
  findings: number;
  unreadable: number;
  coveredMs: number;
  windowMs: number;
}

/**
 * `--incremental DIR`'s one source of truth, replaced whole: the stream position the days are
 * complete up to, and which file holds each day's figures. The position and the days change in
 * one rename, so a run killed anywhere repeats nothing and loses nothing: the next starts again
 * from the last state written, whatever the stream's own checkpoint machinery saved meanwhile.
 */
export interface IncrementalState {
  version: 1;
  generation: number;
  checkpoint: CheckpointState | null;
  days: Record<string, DayEntry>;
}

export interface DayEntry {
  file: string;
  summary: DaySummary;
  /** Checkpoint positions the stream no longer held, found by a run on this day. */
  retentionGaps?: Array<{ shardIds: string[]; detail: string }>;
}

export const STATE_NAME = 'state.json';
/** Day states are a few MB at most (every list bounded); a state file far larger is not ours. */
const MAX_STATE_BYTES = 256 * 1024 * 1024;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_FILE = /^days\/\d{4}-\d{2}-\d{2}\.\d{1,15}\.json$/;

export function emptyState(): IncrementalState {
  return { version: 1, generation: 0, checkpoint: null, days: {} };
}

/** The folder's state, or an empty one for a new folder; refuses a damaged one, or one another user could have written. */
export async function loadReportState(dir: string, uid: number | undefined): Promise<IncrementalState> {
  const path = join(dir, STATE_NAME);
  const text = await readOwnFile(path, uid);
  if (text === undefined) return emptyState();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw damaged(path, 'it is not JSON');
  }
  return validState(parsed, path);
}

export async function saveReportState(dir: string, state: IncrementalState): Promise<void> {
  const path = join(dir, STATE_NAME);
  try {
    await replaceFile(path, JSON.stringify(state) + '\n');
  } catch (error) {
    throw withSystemWords(error, `save ${path}`, 'The folder keeps its last state: the next run reads again what this one read.');
  }
}

/** A file of the folder's: ours, written by nobody else, read not through a link; undefined when there is none. */
export async function readOwnFile(path: string, uid: number | undefined): Promise<string | undefined> {
  await assertSafeFolder(path, uid, 'report state');
  const checked = await assertSafeFile(path, uid, 'report state');
  if (!checked) return undefined;
  try {
    const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const info = await file.stat();
      if (info.ino !== checked.ino || info.dev !== checked.dev) throw damaged(path, 'it was replaced while being read');
      if (info.size > MAX_STATE_BYTES) throw damaged(path, `it holds ${info.size} bytes, far more than a report's state takes`);
      return new TextDecoder('utf-8', { fatal: true }).decode(await file.readFile());
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (error instanceof TypeError) throw damaged(path, 'it is not UTF-8 text');
    throw withSystemWords(error, `read ${path}`);
  }
}

/**
 * readOwnFile without waiting, for a day first touched in the middle of a read (a formatter cannot wait):
 * the same checks, on a file the folder's state names. The folder was checked when the state was read.
 */
export function readOwnFileSync(path: string, uid: number | undefined): string {
  let checked;
  try {
    checked = lstatSync(path);
  } catch (error) {
    throw withSystemWords(error, `read ${path}`);
  }
  assertSafeStats(checked, path, uid, 'report state');
  let file: number;
  try {
    file = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw withSystemWords(error, `read ${path}`);
  }
  try {
    const info = fstatSync(file);
    if (info.ino !== checked.ino || info.dev !== checked.dev) throw damaged(path, 'it was replaced while being read');
    if (info.size > MAX_STATE_BYTES) throw damaged(path, `it holds ${info.size} bytes, far more than a report's state takes`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
    } catch {
      throw damaged(path, 'it is not UTF-8 text');
    }
  } finally {
    closeSync(file);
  }
}

function validState(value: unknown, path: string): IncrementalState {
  if (!isRecord(value)) throw damaged(path, 'it is not a JSON object');
  if (value.version !== 1) throw damaged(path, `its version is ${JSON.stringify(value.version)}, not 1`);
  const { generation, checkpoint, days } = value;
  if (!Number.isSafeInteger(generation) || (generation as number) < 0) throw damaged(path, 'its generation is not a whole number');
  const state: IncrementalState = { version: 1, generation: generation as number, checkpoint: null, days: {} };
  if (checkpoint !== null) state.checkpoint = parseCheckpoint(JSON.stringify(checkpoint), `${path} (its checkpoint)`);
  if (!isRecord(days)) throw damaged(path, 'its days are not an object');
  for (const [day, entry] of Object.entries(days)) {
    if (!DAY.test(day)) throw damaged(path, `${JSON.stringify(day.slice(0, 40))} is not a day (YYYY-MM-DD)`);
    if (!isRecord(entry) || typeof entry.file !== 'string' || !DAY_FILE.test(entry.file) || !entry.file.startsWith(`days/${day}.`))
      throw damaged(path, `the file of ${day} is not one das-read names`);
    const gaps = retentionGapsOf(entry.retentionGaps, path, day);
    state.days[day] = { file: entry.file, summary: summaryOf(entry.summary, path, day), ...(gaps ? { retentionGaps: gaps } : {}) };
  }
  return state;
}

function summaryOf(value: unknown, path: string, day: string): DaySummary {
  const keys = ['events', 'users', 'failures', 'findings', 'unreadable', 'coveredMs', 'windowMs'] as const;
  if (!isRecord(value)) throw damaged(path, `the summary of ${day} is not an object`);
  const summary = {} as DaySummary;
  for (const key of keys) {
    const count = value[key];
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) throw damaged(path, `the ${key} of ${day} is not a count`);
    summary[key] = count;
  }
  return summary;
}

function retentionGapsOf(value: unknown, path: string, day: string): DayEntry['retentionGaps'] {
  if (value === undefined) return undefined;
  const isText = (text: unknown): text is string => typeof text === 'string' && text.length <= 4096;
  if (!Array.isArray(value) || value.length > 1000) throw damaged(path, `the retention gaps of ${day} are not a list`);
  return value.map((gap: unknown) => {
    if (!isRecord(gap) || !isText(gap.detail) || !Array.isArray(gap.shardIds) || !gap.shardIds.every(isText))
      throw damaged(path, `a retention gap of ${day} is not one das-read writes`);
    return { shardIds: gap.shardIds as string[], detail: gap.detail };
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function damaged(path: string, why: string): UserError {
  return new UserError(
    `the report state ${path} is damaged: ${why}`,
    undefined,
    'Fix it, or move the folder away to start again (the stream is then read again from --from).',
  );
}
