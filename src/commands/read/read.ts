import type { Writable } from 'node:stream';
import type { AwsClients } from '../../aws/clients.js';
import { resolveTarget } from '../../aws/resolve.js';
import { createDecoder, type Decoder } from '../../decode/decoder.js';
import { decodeBatches } from '../../decode/decode-stage.js';
import { readStream } from '../../kinesis/stream-reader.js';
import { listShards } from '../../kinesis/shards.js';
import type { StartPosition } from '../../kinesis/positions.js';
import type { ReadOptions } from './read-options.js';
import type { Diagnostics } from '../../terminal/diagnostics.js';
import { OutputClosedError, OutputWriter, type EventOutput } from '../../sinks/writer.js';
import { SecurityLakeDir } from '../../sinks/security-lake-dir.js';
import { UserError, type RecordError } from '../../errors.js';
import { DeadLetterFile } from '../../sinks/dead-letter.js';
import type { StdoutTarget } from '../../terminal/io.js';
import type { ReadProgress } from '../../terminal/status-line.js';
import { assertSameStream, loadCheckpoint, removeLeftoverTemps, saveCheckpoint, type SavedStart } from '../../checkpoint/checkpoint-file.js';
import { acquireLock, LockLostError, type Lock, type LockOwner } from '../../checkpoint/lock.js';
import { PositionBook } from '../../checkpoint/position-book.js';
import { findGaps, type Gap } from '../../checkpoint/gaps.js';
import { streamFacts } from '../../kinesis/stream-summary.js';
import { BatchWriter } from '../../write/batch-writer.js';
import { Utf8Builder } from '../../format/utf8-builder.js';
import { compileFilter } from '../../events/filter.js';
import { EventTally } from '../../events/tally.js';
import { prepareRedaction } from '../../events/redact.js';
import { tailStart, type TailStart } from './tail.js';
import { keeps } from '../../events/keeps.js';
import type { DasEvent } from '../../decode/types.js';
import { CheckpointCommit } from '../../checkpoint/checkpoint-commit.js';
import type { OcsfPlace } from '../../format/event-format.js';
import type { EventFormatter } from '../../format/event-formatter.js';
import { placeOfArn, type StreamTarget } from '../../aws/stream-target.js';

export interface ReadDeps {
  clients: AwsClients;
  stdout: Writable;
  /** The formatter, once the stream is known: OCSF names the region and account it is in (findings, the database's ARN). */
  formatFor: (place: OcsfPlace, target: StreamTarget) => EventFormatter;
  /** Each record skipped under --on-error skip (it is also said on stderr). */
  onSkipped?: (error: RecordError) => void;
  log: Diagnostics;
  signal: AbortSignal;
  now: () => Date;
  /** Needed with --checkpoint, for its lock. */
  lockOwner: LockOwner;
  /** What stdout is, when that matters: a file is synced and kept to whole lines, a pipe's content is not yet read. */
  stdoutTarget?: StdoutTarget;
  /** After each batch written: for a status line. */
  onProgress?: (progress: ReadProgress) => void;
}

export interface ReadSummary {
  events: number;
  records: number;
  /** Unreadable records skipped under --on-error skip. */
  skipped: number;
  kmsDecryptCalls: number;
  /** With --summary: the distinct data keys the records named. */
  dataKeys?: number;
  gaps: Gap[];
  /** With --summary: the events written, counted. */
  tally?: EventTally;
}

/**
 * A write into a pipe has only reached the pipe: while stdout is one, the saved position trails
 * what was written by the pipe's capacity (Linux's default, 64 KiB), so a reader that dies
 * costs at most that much of repeated events and none lost. A Unix socket buffers more (its
 * send buffer, 208 KiB by default): 256 KiB.
 */
const UNREAD_BYTES: Partial<Record<StdoutTarget['kind'], number>> = { pipe: 64 * 1024, socket: 256 * 1024 };

/**
 * Resolve → read every shard → decode → write, moving the checkpoint behind the output: the run is
 * opened (target, lock, checkpoint, lake), its writer built, the batches pumped through it, and the
 * run finished (settled, counted, closed); what `open` took is released last, whatever happened.
 */
export async function readCommand(options: ReadOptions, deps: ReadDeps): Promise<ReadSummary> {
  const run = await open(options, deps);
  try {
    const writing = await buildWriter(options, deps, run);
    const ending = await pump(options, deps, run, writing);
    const summary = await finish(deps, run, writing, ending);
    if (ending.thrown) throw ending.thrown.error;
    return summary;
  } finally {
    await release(run);
  }
}

/** What a run holds from its start to its end. */
interface Run {
  target: StreamTarget;
  format: EventFormatter;
  startedAt: Date;
  lock: Lock | undefined;
  confirmLock: () => Promise<void>;
  deadLetter: DeadLetterFile | undefined;
  book: PositionBook | undefined;
  from: StartPosition;
  gaps: Gap[];
  /** Stdout, when it is a file: synced and kept to whole lines. */
  file: Extract<StdoutTarget, { kind: 'file' }> | undefined;
  commit: CheckpointCommit | undefined;
  lake: SecurityLakeDir | undefined;
}

/** The stream resolved, the checkpoint locked and read, the dead letter opened, the lake prepared; on a failure, what was taken is released. */
async function open(options: ReadOptions, deps: ReadDeps): Promise<Run> {
  const { clients, log } = deps;
  const target = await resolveTarget(options.source, clients.rds, deps.signal);
  const place = await placeOf(target, clients);
  if (options.securityLake && !place.accountId) {
    throw new UserError(
      '--security-lake-dir needs the account the stream is in, for its accountId= folders',
      undefined,
      'Name the database with --cluster or --instance: RDS gives its ARN, and so its account.',
    );
  }
  const format = deps.formatFor(place, target);
  const startedAt = deps.now();
  const lock: Lock | undefined = options.checkpoint ? await acquireLock(options.checkpoint, deps.lockOwner) : undefined;
  const confirmLock = async () => lock?.confirm();
  let deadLetter: DeadLetterFile | undefined;
  try {
    deadLetter = options.deadLetter ? await DeadLetterFile.open(options.deadLetter) : undefined;
    const { book, from, gaps, reopened } = await positions(options, target, clients, startedAt, deps.signal, deps.lockOwner.uid, lock);
    for (const gap of gaps) log.warn(`gap in the audit trail: ${gap.detail}`);
    for (const shardId of reopened)
      log.warn(`the checkpoint ${options.checkpoint} marks ${shardId} as read to its end, but Kinesis has it open: reading on from its saved position`);
    const of = target.label === target.streamName ? '' : ` (${target.label})`;
    const resuming = book && !gaps.length && book.openPositions().length > 0 ? `, resuming from ${options.checkpoint}` : '';
    log.info(`reading ${target.streamName}${of}${resuming}${options.follow ? '' : ' up to its current end'}`);

    const file = deps.stdoutTarget?.kind === 'file' ? deps.stdoutTarget : undefined;
    // Security Lake's files are placed only once the checkpoint holds their events' positions: it saves them itself.
    const commit: CheckpointCommit | undefined =
      book && options.checkpoint
        ? options.securityLake
          ? new CheckpointCommit(book, options.checkpoint, deps.now, 0, (): number => lake?.durableBytes ?? 0, confirmLock)
          : new CheckpointCommit(book, options.checkpoint, deps.now, UNREAD_BYTES[deps.stdoutTarget?.kind ?? 'closed'] ?? 0, undefined, confirmLock)
        : undefined;
    const lake: SecurityLakeDir | undefined = options.securityLake
      ? new SecurityLakeDir({
          ...options.securityLake,
          now: deps.now,
          createdBy: 'das-read',
          runner: deps.lockOwner,
          ...(commit ? { positions: commit } : {}),
          onFile: (path, events) => log.info(`wrote ${path} (${events} event${events === 1 ? '' : 's'})`),
          onLeftover: (path) => log.info(`placed ${path}, left complete by a run that stopped`),
        })
      : undefined;
    // Before anything is read: what a dead run left is placed or cleared, its disk space freed.
    await lake?.prepare();
    return { target, format, startedAt, lock, confirmLock, deadLetter, book, from, gaps, file, commit, lake };
  } catch (error) {
    await release({ deadLetter, lock });
    throw error;
  }
}

/** Last of all, the run ended however it did: the dead letter closed, then the checkpoint's lock released. */
async function release(run: Pick<Run, 'deadLetter' | 'lock'>): Promise<void> {
  await run.deadLetter?.close();
  await run.lock?.release();
}

/** What turns decoded batches into output: the decoder, the --tail start, and the batch writer over stdout or the lake. */
interface Writing {
  /** Stops the reading once the run ends; `signal` is the caller's and this one's. */
  stop: AbortController;
  signal: AbortSignal;
  decoder: Decoder;
  tail: TailStart | undefined;
  output: EventOutput;
  writer: BatchWriter;
  tally: EventTally | undefined;
}

async function buildWriter(options: ReadOptions, deps: ReadDeps, run: Run): Promise<Writing> {
  const { clients, log } = deps;
  const { target, commit, lake, file } = run;
  // --summary folds every statement's literals, as --redact takes them out: by the same lexers.
  if (options.redact || options.summary) await prepareRedaction();
  const stop = new AbortController();
  const signal = AbortSignal.any([deps.signal, stop.signal]);
  const decoder = createDecoder({
    kms: clients.kms,
    resourceId: target.resourceId,
    threads: options.threads,
    maxRecordBytes: options.maxRecordBytes,
    countDataKeys: options.summary,
  });
  const tally = options.summary ? new EventTally() : undefined;
  const filter = compileFilter(options.filter);
  const tail =
    options.tail === undefined
      ? undefined
      : await tailStart(options.tail, {
          kinesis: clients.kinesis,
          streamName: target.streamName,
          decoder,
          keeps: keeps({ includeHeartbeats: options.includeHeartbeats, ...(filter ? { filter } : {}) }),
          now: run.startedAt,
          signal,
        }).catch(async (error: unknown) => {
          await decoder.close();
          throw error;
        });
  const output: EventOutput = lake ?? new OutputWriter(deps.stdout, file);
  const writer = new BatchWriter({
    output,
    format: run.format,
    includeHeartbeats: options.includeHeartbeats,
    ...(filter ? { filter } : {}),
    ...(tally ? { onEvent: (event: DasEvent) => tally.add(event) } : {}),
    ...(tail ? { handled: tail.handled } : {}),
    maxEvents: options.maxEvents,
    onError: options.onError,
    ...(deps.onSkipped ? { onSkipped: deps.onSkipped } : {}),
    deadLetter: run.deadLetter,
    log,
    ...(commit ? { checkpoint: { commit, syncOutput: lake ? undefined : file?.sync } } : {}),
  });
  return { stop, signal, decoder, tail, output, writer, tally };
}

/** How the pump ended: what finishing may still write, and an error to throw once it has. */
interface Ending {
  /** The output pipe closed before the end: a normal end for `| head`. */
  outputClosed: boolean;
  /** The reader of the output took nothing within the grace after a stop. */
  stalled: boolean;
  /** Another run holds the checkpoint now: finishing a file or saving a position would be writing beside it. */
  lockLost: boolean;
  thrown?: { error: unknown };
}

/** Read → decode → render → write, batch by batch, then the output flushed (or the lake's files completed); never throws, it says how it ended. */
async function pump(options: ReadOptions, deps: ReadDeps, run: Run, writing: Writing): Promise<Ending> {
  const { clients, log } = deps;
  const { target, book, lake, confirmLock } = run;
  const { writer, output, tail } = writing;
  const lag = new Map<string, number | undefined>();
  try {
    // Decoding is not cut short by a stop: what was read is decoded and written before exiting.
    const batches = decodeBatches(
      readStream({
        kinesis: clients.kinesis,
        streamName: target.streamName,
        follow: options.follow,
        signal: writing.signal,
        from: run.from,
        until: options.until,
        limit: options.batchSize,
        ...(book ? { resumeAt: (shardId: string) => book.resumeAt(shardId), finished: book.finishedShards() } : {}),
        ...(tail ? { resumeAt: (shardId: string) => tail.resumeAt(shardId) } : {}),
        // --tail n --no-follow: exactly the n, not those and whatever arrived since the look-back.
        ...(tail && !options.follow ? { endAfter: (shardId: string) => tail.endAfter(shardId) } : {}),
      }),
      writing.decoder,
    );
    for await (const batch of batches) {
      const more = await withinGrace(writer.write(batch), deps.signal);
      if (deps.onProgress) {
        if (batch.millisBehindLatest !== undefined || !lag.has(batch.shardId)) lag.set(batch.shardId, batch.millisBehindLatest);
        const known = [...lag.values()].filter((ms): ms is number => ms !== undefined);
        deps.onProgress({ records: writer.records, events: writer.events, shards: lag.size, behindMs: known.length ? Math.max(...known) : undefined });
      }
      if (!more) break;
    }
    // What the form held to the end (findings pending): after every record, as the last of the output.
    if (run.format.end && !lake) {
      const closing = new Utf8Builder();
      run.format.end(closing);
      await withinGrace(output.write(closing.take()), deps.signal);
    }
    // Finishing the lake's file is a write: only under the lock.
    if (lake) await confirmLock();
    await withinGrace(lake ? lake.complete() : output.flush(), deps.signal);
    return { outputClosed: false, stalled: false, lockLost: false };
  } catch (error) {
    const ending: Ending = {
      outputClosed: error instanceof OutputClosedError,
      stalled: error instanceof OutputStalledError,
      lockLost: error instanceof LockLostError,
    };
    if (ending.stalled) log.warn((error as OutputStalledError).message);
    else if (!ending.outputClosed) ending.thrown = { error };
    return ending;
  }
}

/** What was sent is settled (if the reader and the lock are still there), then the reading stopped, the decoder closed, the run counted. */
async function finish(deps: ReadDeps, run: Run, writing: Writing, ending: Ending): Promise<ReadSummary> {
  const { log } = deps;
  const { lake, confirmLock, deadLetter } = run;
  const { writer, decoder } = writing;
  try {
    // The reader is still there (an end, a stop, a bad record): what it was sent counts as read.
    // Not so for a reader that stopped reading: only what it surely read does.
    if (!ending.outputClosed && !ending.stalled && !ending.lockLost) {
      // What the lake holds is written before a stop or a bad record ends the run, as stdout's events are.
      if (lake) await confirmLock();
      await lake?.complete().catch((error: unknown) => log.warn(error instanceof Error ? error.message : String(error)));
      await writer.settle();
    }
  } finally {
    writing.stop.abort();
    await decoder.close();
    if (writer.skipped > 0) {
      log.warn(`skipped ${writer.skipped} unreadable record${writer.skipped === 1 ? '' : 's'}${deadLetter ? `; kept in ${deadLetter.path}` : ''}`);
    }
  }
  const { tally } = writing;
  return {
    events: writer.events,
    records: writer.records,
    skipped: writer.skipped,
    kmsDecryptCalls: decoder.stats.kmsDecryptCalls,
    gaps: run.gaps,
    ...(tally ? { tally } : {}),
    ...(decoder.stats.dataKeys === undefined ? {} : { dataKeys: decoder.stats.dataKeys }),
  };
}

/** The stream's region and account: from the database's ARN, else the region the clients call. */
async function placeOf(target: StreamTarget, clients: AwsClients): Promise<OcsfPlace> {
  const place = placeOfArn(target.arn);
  if (place.region) return place;
  const region = await clients.kinesis.config.region().catch(() => undefined);
  return { ...place, ...(region ? { region } : {}) };
}

/** How long a write may take once a stop was asked for: a consumer that reads nothing must not hold the stop. */
const STOP_GRACE_MS = 1_000;

class OutputStalledError extends Error {
  constructor() {
    super(`stopping without the last events: the reader of the output took none for ${STOP_GRACE_MS / 1000} s after the stop (they are not marked as read)`);
    this.name = 'OutputStalledError';
  }
}

/** `work`, unless the signal has aborted and it then takes longer than the grace. */
function withinGrace<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const arm = () => (timer = setTimeout(() => reject(new OutputStalledError()), STOP_GRACE_MS));
    if (signal.aborted) arm();
    else signal.addEventListener('abort', arm, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', arm);
    });
  });
}

/** Where to start: the checkpoint's positions (checked for gaps), or --from on a first run. */
async function positions(
  options: ReadOptions,
  target: StreamTarget,
  clients: AwsClients,
  startedAt: Date,
  signal: AbortSignal,
  uid: number | undefined,
  lock: Lock | undefined,
) {
  const reopened: string[] = [];
  if (!options.checkpoint) return { book: undefined, from: options.from, gaps: [] as Gap[], reopened };
  const saved = await loadCheckpoint(options.checkpoint, uid);
  // Under the lock: a temporary file left is a killed run's, never one being written.
  await removeLeftoverTemps(options.checkpoint);
  const facts = await streamFacts(clients.kinesis, target.streamName, signal);
  if (!saved) {
    const book = new PositionBook(target.streamName, target.resourceId, savedStart(options.from, startedAt), {}, facts.identity);
    // Saved at once: a first run that reads nothing must still fix where the next one starts.
    await lock?.confirm();
    await saveCheckpoint(options.checkpoint, book.toState(startedAt));
    return { book, from: options.from, gaps: [] as Gap[], reopened };
  }
  assertSameStream(options.checkpoint, saved, target.streamName);
  if (saved.stream && facts.identity && (saved.stream.arn !== facts.identity.arn || saved.stream.createdAt !== facts.identity.createdAt)) {
    // The activity stream was stopped and started again: none of the saved positions means anything here.
    const shardIds = Object.keys(saved.shards).sort();
    const book = new PositionBook(target.streamName, target.resourceId, { type: 'TRIM_HORIZON' }, {}, facts.identity);
    await lock?.confirm();
    await saveCheckpoint(options.checkpoint, book.toState(startedAt));
    const detail =
      `${target.streamName} is a new stream (created ${facts.identity.createdAt}), not the one the checkpoint was made on (created ${saved.stream.createdAt}): ` +
      `the activity stream was stopped and started again. Events of the old stream that were not read before it was deleted are lost` +
      `${shardIds.length ? ` (its shards ${shardIds.join(', ')})` : ''}; reading the new stream from its start`;
    return { book, from: { type: 'TRIM_HORIZON' } as StartPosition, gaps: [{ shardIds, detail }], reopened };
  }
  const book = PositionBook.from(saved, target.resourceId, facts.identity);
  const shards = await listShards(clients.kinesis, target.streamName, signal);
  // "finished" is the checkpoint's word; whether a shard has ended is the stream's (an EndingSequenceNumber).
  reopened.push(...book.reopenUnclosed(shards));
  const gaps = await findGaps({
    kinesis: clients.kinesis,
    streamName: target.streamName,
    book,
    shards,
    now: startedAt,
    retentionHours: facts.retentionHours,
    streamIdentified: facts.identity !== undefined && saved.stream !== undefined,
    signal,
  });
  return { book, from: book.startPosition, gaps, reopened };
}

// A later run must start shards that had no record yet where the first run did; LATEST then means "when the first run began".
function savedStart(from: StartPosition, startedAt: Date): SavedStart {
  if (from.type === 'AT_TIMESTAMP') return { type: 'AT_TIMESTAMP', timestamp: from.timestamp.toISOString() };
  if (from.type === 'LATEST') return { type: 'AT_TIMESTAMP', timestamp: startedAt.toISOString() };
  return { type: 'TRIM_HORIZON' };
}
