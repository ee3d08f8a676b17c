import { addAbortSignal, type Readable } from 'node:stream';

/** A saved file by name, or standard input: what `show` and `decode` read. */
export interface SavedInput {
  name: string;
  open(): Readable;
}

/**
 * The input, open and readable; rejects with the system's error when it is not (a missing file, a directory).
 * Once `signal` is aborted the input is closed, a wait for its first byte and every read after it ended with it:
 * a pipe that never ends, or /dev/zero, must not hold a run that was told to stop.
 */
export async function openSaved(input: SavedInput, signal?: AbortSignal): Promise<Readable> {
  const source = input.open();
  if (signal) addAbortSignal(signal, source);
  // A file that cannot be read says so when first read, not when opened.
  await new Promise<void>((resolve, reject) => source.once('readable', resolve).once('error', reject));
  return source;
}
