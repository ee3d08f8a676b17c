import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { OcsfEvent } from '../events/ocsf.js';
import { withSystemWords } from '../system-errors.js';
import { ocsfParquet } from './ocsf-parquet.js';
import { lakeObjects } from './security-lake-layout.js';
import type { EventOutput } from './writer.js';

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
}

/** A half-made file older than this was left by a run that died: no file takes an hour to write. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/** Events held at most before the files are written whatever the time: bounds the memory. */
const MAX_HELD_EVENTS = 200_000;

/**
 * OCSF events as Amazon Security Lake takes a custom source's: Parquet objects of one class under
 * `ext/<source>/region=<region>/accountId=<account>/eventDay=<YYYYMMDD>/`, each sorted by time,
 * written every few minutes. A file is made under a temporary name outside that tree and renamed
 * into it once on disk: a shipper never sees half a file. `durableBytes` is how much of what was
 * written is in complete files: a checkpoint moves only that far.
 */
export class SecurityLakeDir implements EventOutput {
  #written = 0;
  #durable = 0;
  #held: OcsfEvent[] = [];
  #since: number | undefined;
  readonly #scratch: string;
  #ready: Promise<void> | undefined;
  #broken: unknown;
  #partial = '';

  constructor(private readonly options: SecurityLakeDirOptions) {
    this.#scratch = join(options.dir, '.das-read-incomplete');
  }

  get bytesWritten(): number {
    return this.#written;
  }

  /** What was written and is now in complete files. */
  get durableBytes(): number {
    return this.#durable;
  }

  async write(chunks: Uint8Array[]): Promise<void> {
    this.#ready ??= this.#prepare();
    await this.#ready;
    // Due before these arrived: the files are of what came in their time, and these start the next.
    if (this.#due()) await this.#complete();
    for (const chunk of chunks) {
      // A line may end in a later chunk: the part before its end waits for the rest.
      const lines = (this.#partial + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8')).split('\n');
      this.#partial = lines.pop() ?? '';
      for (const line of lines) if (line !== '') this.#hold(JSON.parse(line) as OcsfEvent);
      this.#written += chunk.byteLength;
    }
    if (this.#held.length > 0) this.#since ??= this.options.now().getTime();
    if (this.#held.length >= MAX_HELD_EVENTS) await this.#complete();
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
      await mkdir(this.#scratch, { recursive: true });
      // A file a killed run left half-made is outside the tree, and its events are read again: cleared
      // once surely abandoned. Another run writing into the same folder (another cluster) keeps its own.
      const cutoff = this.options.now().getTime() - ABANDONED_AFTER_MS;
      for (const name of await readdir(this.#scratch)) {
        const path = join(this.#scratch, name);
        const made = await stat(path).then((info) => info.mtimeMs, () => Number.POSITIVE_INFINITY);
        if (made < cutoff) await rm(path, { force: true });
      }
    } catch (error) {
      throw withSystemWords(error, `prepare ${this.#scratch}`);
    }
  }

  /** What was taken is held, to be written when its time comes (`complete`): nothing to push. */
  async flush(): Promise<void> {}

  /** Writes the files of every event held: at the end of a run, or a stop. */
  async complete(): Promise<void> {
    await this.#complete();
  }

  #hold(event: OcsfEvent): void {
    this.#held.push(event);
  }

  async #complete(): Promise<void> {
    // After a file could not be written, nothing more counts as complete: its events are gone from
    // memory, and the checkpoint must stay before them.
    if (this.#broken) throw this.#broken;
    const objects = lakeObjects(this.#held, this.options.source, this.options.now());
    this.#held = [];
    this.#since = undefined;
    for (const { partition, name, events } of objects) {
      const folder = join(this.options.dir, partition);
      const scratch = join(this.#scratch, name);
      try {
        await mkdir(folder, { recursive: true });
        const file = await open(scratch, 'wx', 0o644);
        try {
          await file.writeFile(ocsfParquet(events, this.options.createdBy));
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(scratch, join(folder, name));
        const directory = await open(folder, 'r');
        await directory.sync().finally(() => directory.close());
      } catch (error) {
        this.#broken = withSystemWords(error, `write ${join(partition, name)} in ${this.options.dir}`, 'Its events are not marked as read: the next run writes them again.');
        throw this.#broken;
      }
      this.options.onFile?.(join(partition, name), events.length);
    }
    this.#durable = this.#written;
  }
}
