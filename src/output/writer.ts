import type { Writable } from 'node:stream';

/** The reader of our output went away (`| head`): a clean end, not a failure. */
export class OutputClosedError extends Error {
  constructor() {
    super('output closed');
    this.name = 'OutputClosedError';
  }
}

/**
 * Writes that wait for `drain`, so a slow consumer slows the reading instead of
 * growing memory, and that turn EPIPE into OutputClosedError.
 */
export class OutputWriter {
  #closed: Error | undefined;
  #waiters: Array<() => void> = [];

  constructor(private readonly stream: Writable) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      this.#closed = error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED' ? new OutputClosedError() : error;
      this.#wake();
    });
    stream.on('close', () => {
      this.#closed ??= new OutputClosedError();
      this.#wake();
    });
  }

  async write(chunk: string): Promise<void> {
    if (this.#closed) throw this.#closed;
    if (chunk.length === 0) return;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        this.stream.once('drain', () => this.#wake());
      });
    }
    if (this.#closed) throw this.#closed;
  }

  /** Resolves once everything written so far has been handed to the OS. */
  async flush(): Promise<void> {
    if (this.#closed) throw this.#closed;
    await new Promise<void>((resolve, reject) =>
      this.stream.write('', (error) => (error ? reject(this.#closed ?? error) : resolve())),
    );
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}
