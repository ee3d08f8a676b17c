import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * Asks a yes/no question on the terminal; anything but y or yes is no, and so is a stop
 * (Ctrl-C) while it waits: the caller tells the two apart by the signal.
 */
export async function confirm(question: string, input: Readable, output: Writable, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  const reader = createInterface({ input, output, terminal: false });
  output.write(`${question} [y/N] `);
  const stopped = () => reader.close();
  signal?.addEventListener('abort', stopped, { once: true });
  try {
    for await (const line of reader) return /^\s*y(es)?\s*$/i.test(line);
    return false;
  } finally {
    signal?.removeEventListener('abort', stopped);
    reader.close();
  }
}
