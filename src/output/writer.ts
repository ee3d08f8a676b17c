import type { Writable } from 'node:stream';

/** The reader of our output went away (`| head`): a clean end, not a failure. */
export class OutputClosedError extends Error {
  constructor() {
    super('output closed');
    this.name = 'OutputClosedError';
  }
}

/**
 * Writes that wait until the stream has taken them all, so a slow consumer slows the
 * reading instead of growing memory; EPIPE becomes OutputClosedError.
 */
export class OutputWriter {
  #closed: Error | undefined;

  constructor(private readonly stream: Writable) {
    stream.on('error', (error: NodeJS.ErrnoException) => this.#fail(error));
    stream.on('close', () => (this.#closed ??= new OutputClosedError()));
  }

  async write(chunks: Uint8Array[]): Promise<void> {
    if (this.#closed) throw this.#closed;
    if (chunks.length === 0) return;
    // Writes finish in order: the last one's callback runs once all are written or one has
    // failed, and before the stream's 'error' event, so the failure is taken from it.
    await new Promise<void>((resolve) => {
      chunks.forEach((chunk, index) =>
        this.stream.write(chunk, (error) => {
          if (error) this.#fail(error);
          if (index === chunks.length - 1) resolve();
        }),
      );
    });
    if (this.#closed) throw this.#closed;
  }

  /** Resolves once everything written so far has been handed to the OS. */
  async flush(): Promise<void> {
    if (this.#closed) throw this.#closed;
    await new Promise<void>((resolve, reject) =>
      this.stream.write('', (error) => (error ? reject(this.#closed ?? error) : resolve())),
    );
  }

  #fail(error: NodeJS.ErrnoException): void {
    this.#closed ??= error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED' ? new OutputClosedError() : error;
  }
}
