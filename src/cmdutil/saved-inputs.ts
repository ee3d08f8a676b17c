import { createReadStream } from 'node:fs';
import type { SavedInput } from '../saved/saved-input.js';
import { UsageError } from '../errors.js';
import type { IO } from '../terminal/io.js';

/**
 * The files named, in order, `-` as standard input, or standard input alone when none is named,
 * unless it is a terminal: then nothing would come, and the user is told what is wanted.
 */
export function savedInputs(files: readonly string[], io: Pick<IO, 'stdin' | 'stdinIsTTY'>, what: string, example: string): SavedInput[] {
  if (files.length === 0 && io.stdinIsTTY) throw new UsageError(`name the ${what}, or pipe one in: standard input is a terminal`, `For example: ${example}`);
  return (files.length ? files : ['-']).map((name) =>
    name === '-' ? { name: 'standard input', open: () => io.stdin } : { name, open: () => createReadStream(name) },
  );
}
