import type { Readable } from 'node:stream';

/** A saved file by name, or standard input: what `show` and `decode` read. */
export interface SavedInput {
  name: string;
  open(): Readable;
}

/** The input, open and readable; rejects with the system's error when it is not (a missing file, a directory). */
export async function openSaved(input: SavedInput): Promise<Readable> {
  const source = input.open();
  // A file that cannot be read says so when first read, not when opened.
  await new Promise<void>((resolve, reject) => source.once('readable', resolve).once('error', reject));
  return source;
}
