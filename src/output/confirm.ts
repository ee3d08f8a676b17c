import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** Asks a yes/no question on the terminal; anything but y or yes is no. */
export async function confirm(question: string, input: Readable, output: Writable): Promise<boolean> {
  const reader = createInterface({ input, output, terminal: false });
  output.write(`${question} [y/N] `);
  try {
    for await (const line of reader) return /^\s*y(es)?\s*$/i.test(line);
    return false;
  } finally {
    reader.close();
  }
}
