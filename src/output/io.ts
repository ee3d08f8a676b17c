import type { Readable, Writable } from 'node:stream';

/**
 * Everything das-read knows about its terminal, in one object handed down from main:
 * tests build one in memory, with or without a TTY.
 */
export interface IO {
  stdin: Readable;
  stdinIsTTY: boolean;
  stdout: Writable;
  stderr: Writable;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Pushes what was written to stdout onto the disk; present when stdout is a regular file. */
  syncStdout?: () => Promise<void>;
}
