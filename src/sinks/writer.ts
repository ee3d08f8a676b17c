import type { Writable } from 'node:stream';
import { UserError } from '../errors.js';
import { DEVICE_FULL_CODES, errorCode, explainSystemError } from '../system-errors.js';

/** The reader of our output went away (`| head`): a clean end, not a failure. */
export class OutputClosedError extends Error {
  constructor() {
    super('output closed');
    this.name = 'OutputClosedError';
  }
}

/** Where a read's events go: standard output, or a Security Lake folder. */
export interface EventOutput {
  /** Bytes taken so far. */
  readonly bytesWritten: number;
  write(chunks: Uint8Array[]): Promise<void>;
  /** Resolves once everything taken is where it goes. */
  flush(): Promise<void>;
}

/** Stdout as a regular file: what the writer needs to keep it to whole lines. */
export interface OutputFile {
  path: string;
  size(): number;
  truncate(length: number): Promise<void>;
}

/**
 * Writes that wait until the stream has taken them all, so a slow consumer slows the
 * reading instead of growing memory; EPIPE becomes OutputClosedError. Into a file, a write the
 * device cut short (a full disk) is cut back to the last whole line written, so the file
 * stays readable to its end and the next run's first event starts a line of its own.
 */
export class OutputWriter implements EventOutput {
  #closed: Error | undefined;
  #written = 0;
  /** Where the last whole write ended in the file: a line's end. */
  #wholeEnd: number | undefined;

  constructor(
    private readonly stream: Writable,
    private readonly file?: OutputFile,
  ) {
    stream.on('error', (error: NodeJS.ErrnoException) => this.#fail(error));
    stream.on('close', () => (this.#closed ??= new OutputClosedError()));
    this.#wholeEnd = file?.size();
  }

  /** Bytes handed to the OS so far: in the file, or in the pipe or read from it. */
  get bytesWritten(): number {
    return this.#written;
  }

  async write(chunks: Uint8Array[]): Promise<void> {
    if (this.#closed) throw this.#closed;
    if (chunks.length === 0) return;
    // Writes finish in order: the last one's callback runs once all are written or one has
    // failed, and before the stream's 'error' event, so the failure is taken from it.
    await new Promise<void>((resolve) => {
      try {
        chunks.forEach((chunk, index) =>
          this.stream.write(chunk, (error) => {
            if (error) this.#fail(error);
            if (index === chunks.length - 1) resolve();
          }),
        );
      } catch (error) {
        // A file's stdout writes synchronously, and may throw the device's error here instead.
        this.#fail(error as NodeJS.ErrnoException);
        resolve();
      }
    });
    const length = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
    if (this.file && this.#wholeEnd !== undefined && !this.#closed) {
      // A write the device cut short reports success (Node's file stdout ignores a short count): the size tells.
      const size = this.file.size();
      if (size < this.#wholeEnd + length) this.#closed = Object.assign(new Error('short write'), { code: 'ESHORTWRITE' });
      else this.#wholeEnd = size;
    }
    if (this.#closed) throw await this.#explain(this.#closed);
    this.#written += length;
  }

  /** Resolves once everything written so far has been handed to the OS. */
  async flush(): Promise<void> {
    if (this.#closed) throw this.#closed;
    await new Promise<void>((resolve, reject) => this.stream.write('', (error) => (error ? reject(this.#closed ?? error) : resolve())));
  }

  #fail(error: NodeJS.ErrnoException): void {
    this.#closed ??= error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED' ? new OutputClosedError() : error;
  }

  async #explain(error: Error): Promise<Error> {
    if (error instanceof OutputClosedError || error instanceof UserError) return error;
    const where = this.file ? this.file.path : 'standard output';
    let kept = '';
    if (this.file && this.#wholeEnd !== undefined && DEVICE_FULL_CODES.has(errorCode(error) ?? '')) {
      try {
        await this.file.truncate(this.#wholeEnd);
        kept = `${where} was cut back to its last whole line (${this.#wholeEnd} bytes), so it stays readable to its end. `;
      } catch (cut) {
        kept = `${where} may end in a partial line: cutting it back failed (${(cut as Error).message}). `;
      }
    }
    this.#closed =
      explainSystemError(error, `write the events to ${where}`, `${kept}No event after it counts as written: with --checkpoint, the next run writes them.`) ??
      error;
    return this.#closed;
  }
}
