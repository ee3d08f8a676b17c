import { hostname } from 'node:os';
import { join } from 'node:path';
import type { OcsfEvent } from '../events/ocsf.js';
import { withSystemWords } from '../system-errors.js';
import { nodeLakeFiles, type LakeFiles } from './lake-files.js';
import { clearLeftovers, HALF_MADE, runFolderName, type LakeRunner } from './lake-leftovers.js';
import { ocsfParquet } from './ocsf-parquet.js';
import { lakeObjects } from './security-lake-layout.js';
import type { EventOutput } from './writer.js';

/**
 * With --checkpoint: the positions of what was written, by its bytes. `reach` says how far (in
 * bytes) the positions known so far go, without saving; `save` saves them up to there.
 */
export interface LakePositions {
  reach(bytes: number): number;
  save(upTo: number): Promise<void>;
}

export interface SecurityLakeDirOptions {
  dir: string;
  /** The custom source's name: the folder under `ext/`. */
  source: string;
  /** How long events gather before their files are written: Security Lake asks for 5 minutes. */
  everyMs: number;
  now: () => Date;
  createdBy: string;
  /** Said when a file is complete. */
  onFile?: (path: string, events: number) => void;
  /** Said when a complete file a run that died left behind is put in its place. */
  onLeftover?: (path: string) => void;
  /** Saved before any file is placed: see `#complete`. */
  positions?: LakePositions;
  /** This process, to tell other runs' scratch folders from dead ones'. */
  runner?: Omit<LakeRunner, 'host'>;
  files?: LakeFiles;
}

/** Events held at most before the files are written whatever the time: bounds the memory. */
const MAX_HELD_EVENTS = 200_000;

/**
 * OCSF events as Amazon Security Lake takes a custom source's: Parquet objects of one class under
 * `ext/<source>/region=<region>/accountId=<account>/eventDay=<YYYYMMDD>/`, each sorted by time,
 * written every few minutes. A file is made in this run's own folder under `.das-read-incomplete/`
 * and renamed into the tree once on disk: a shipper never sees half a file.
 *
 * A resumed run repeats no event of a file in the tree. The checkpoint is saved past a file's
 * events after the file is on disk and before it is renamed into the tree; the rename is the
 * last step. So a file in the tree always has its positions saved, whenever the run is killed:
 * - before the save: the file is in the run's folder only, and its events are read again. If it
 *   was complete, the next run places it all the same (it cannot tell whether the save happened):
 *   the one case where events repeat, those of the files being made at the kill;
 * - after the save, before the rename: the next run places the file, nothing is read again;
 * - after the rename: nothing is left to do.
 * A file that cannot be written (a full disk) is removed at once with the others of its turn,
 * and nothing more counts as written: the checkpoint stays before their events.
 */
export class SecurityLakeDir implements EventOutput {
  #written = 0;
  #durable = 0;
  #held: OcsfEvent[] = [];
  /** After each write: how many events were held, and the bytes written up to there. */
  #marks: Array<{ held: number; bytes: number }> = [];
  #since: number | undefined;
  readonly #scratch: string;
  readonly #files: LakeFiles;
  readonly #runner: LakeRunner;
  #ready: Promise<void> | undefined;
  #broken: unknown;
  #partial = '';

  constructor(private readonly options: SecurityLakeDirOptions) {
    this.#scratch = join(options.dir, '.das-read-incomplete');
    this.#files = options.files ?? nodeLakeFiles;
    this.#runner = { pid: 0, isAlive: () => true, ...options.runner, host: hostname() };
  }

  get bytesWritten(): number {
    return this.#written;
  }

  /** What was written and is now in complete files. */
  get durableBytes(): number {
    return this.#durable;
  }

  /** Clears what dead runs left (once): at the start of a run, before anything is written. */
  prepare(): Promise<void> {
    this.#ready ??= this.#prepare();
    return this.#ready;
  }

  async write(chunks: Uint8Array[]): Promise<void> {
    await this.prepare();
    // Due before these arrived: the files are of what came before, whose positions are known, and
    // these start the next.
    if (this.#due() || this.#held.length >= MAX_HELD_EVENTS) await this.#complete();
    for (const chunk of chunks) {
      // A line may end in a later chunk: the part before its end waits for the rest.
      const lines = (this.#partial + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8')).split('\n');
      this.#partial = lines.pop() ?? '';
      for (const line of lines) if (line !== '') this.#held.push(JSON.parse(line) as OcsfEvent);
      this.#written += chunk.byteLength;
    }
    this.#marks.push({ held: this.#held.length, bytes: this.#written });
    if (this.#held.length > 0) this.#since ??= this.options.now().getTime();
  }

  /**
   * The held events' time is up. Checked as batches come: an activity stream's heartbeats bring
   * one every few seconds, so files are written on time even when the database is quiet.
   */
  #due(): boolean {
    return this.#since !== undefined && this.options.now().getTime() - this.#since >= this.options.everyMs;
  }

  async #prepare(): Promise<void> {
    try {
      await this.#files.mkdir(this.#scratch);
      const placed = await clearLeftovers(this.#files, this.#scratch, this.options.dir, this.#runner, this.options.now().getTime());
      for (const path of placed) this.options.onLeftover?.(path);
    } catch (error) {
      throw withSystemWords(error, `clear what an earlier run left in ${this.#scratch}`);
    }
  }

  /** What was taken is held, to be written when its time comes (`complete`): nothing to push. */
  async flush(): Promise<void> {}

  /** Writes the files of every event held: at the end of a run, or a stop. */
  async complete(): Promise<void> {
    await this.prepare();
    await this.#complete();
  }

  /** How many of the held events were written up to `bytes`: whole writes only. */
  #heldUpTo(bytes: number): number {
    let held = 0;
    for (const mark of this.#marks) if (mark.bytes <= bytes) held = mark.held;
    return held;
  }

  async #complete(): Promise<void> {
    // After a file could not be written, nothing more counts as complete: its events are gone from
    // memory, and the checkpoint must stay before them.
    if (this.#broken) throw this.#broken;
    // Only events whose positions are known go into files: a file is placed after they are saved.
    const upTo = this.options.positions ? this.options.positions.reach(this.#written) : this.#written;
    const count = this.#heldUpTo(upTo);
    const events = this.#held.splice(0, count);
    this.#marks = this.#marks.filter((mark) => mark.bytes > upTo).map((mark) => ({ held: mark.held - count, bytes: mark.bytes }));
    this.#since = this.#held.length > 0 ? this.options.now().getTime() : undefined;
    if (events.length > 0) await this.#writeFiles(events, upTo);
    this.#durable = this.#held.length === 0 ? this.#written : upTo;
  }

  async #writeFiles(events: OcsfEvent[], upTo: number): Promise<void> {
    const files = this.#files;
    const objects = lakeObjects(events, this.options.source, this.options.now());
    const run = join(this.#scratch, runFolderName(this.#runner));
    let step = objects[0]?.key ?? '';
    const fail = (error: unknown, hint: string) => {
      this.#broken = withSystemWords(error, `write ${step} in ${this.options.dir}`, hint);
      return this.#broken;
    };
    try {
      for (const { partition, name, key, events: some } of objects) {
        step = key;
        await files.mkdir(join(run, partition));
        await files.mkdir(join(this.options.dir, partition));
        await files.create(join(run, partition, name + HALF_MADE), ocsfParquet(some, this.options.createdBy));
        await files.rename(join(run, partition, name + HALF_MADE), join(run, partition, name));
        await files.syncFolder(join(run, partition));
      }
    } catch (error) {
      // None is placed, and their events were not checkpointed: removed at once, not to keep a disk full.
      await files.remove(run).catch(() => {});
      throw fail(error, 'Its events are not marked as read: the next run writes them again.');
    }
    try {
      await this.options.positions?.save(upTo);
    } catch (error) {
      // Whether the checkpoint moved is not known: the next run places the files, and may repeat them.
      this.#broken = error;
      throw error;
    }
    try {
      for (const { partition, name, key, events: some } of objects) {
        step = key;
        await files.rename(join(run, partition, name), join(this.options.dir, partition, name));
        await files.syncFolder(join(this.options.dir, partition));
        this.options.onFile?.(key, some.length);
      }
    } catch (error) {
      throw fail(error, 'The next run puts the files complete so far in place.');
    }
    // Empty folders only: a later run clears them if this one cannot.
    await files.remove(run).catch(() => {});
  }
}
