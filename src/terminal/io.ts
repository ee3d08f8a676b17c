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
  /** The terminal's width, when stdout is one. */
  stdoutColumns?: number;
  env: Readonly<Record<string, string | undefined>>;
  /** What fd 1 is, where that changes what a written event means; absent when it is a terminal or unknown. */
  stdoutTarget?: StdoutTarget;
}

/**
 * Where events go decides when they count as delivered: on disk for a file, read by the other
 * end for a pipe, and nowhere when the shell closed stdout (`>&-`).
 */
export type StdoutTarget =
  | {
      kind: 'file';
      /** The file's name, for messages. */
      path: string;
      size(): number;
      /** Cuts the file back to `length` bytes: a partial line left by a full disk goes. */
      truncate(length: number): Promise<void>;
      /** Pushes what was written onto the disk. */
      sync(): Promise<void>;
    }
  | { kind: 'pipe' }
  /** A socket (a program that spawned das-read, a service manager): a pipe with larger buffers. */
  | { kind: 'socket' }
  | { kind: 'closed' };
