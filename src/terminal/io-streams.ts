import type { Readable, Writable } from 'node:stream';
import type { ChalkInstance } from 'chalk';
import { chalkFor, type ColorChoice } from './color.js';
import { confirm } from './confirm.js';
import type { IO, StdoutTarget } from './io.js';
import { createSpinner, type Spinner } from './spinner.js';
import { createStatusLine, type StatusLine } from './status-line.js';

/**
 * The IO object the commands get, as gh's IOStreams: the streams and what they are, and the one
 * place that decides what a terminal gets — colour, width, progress and prompts. A command asks
 * it; none looks at a TTY flag itself.
 */
export class IOStreams implements IO {
  readonly stdin: Readable;
  readonly stdinIsTTY: boolean;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly stdoutColumns?: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutTarget?: StdoutTarget;

  constructor(io: IO) {
    this.stdin = io.stdin;
    this.stdinIsTTY = io.stdinIsTTY;
    this.stdout = io.stdout;
    this.stderr = io.stderr;
    this.stdoutIsTTY = io.stdoutIsTTY;
    this.stderrIsTTY = io.stderrIsTTY;
    if (io.stdoutColumns !== undefined) this.stdoutColumns = io.stdoutColumns;
    this.env = io.env;
    if (io.stdoutTarget !== undefined) this.stdoutTarget = io.stdoutTarget;
  }

  /** Colour for what goes to this stream: on a terminal only, unless `--color` says; NO_COLOR and FORCE_COLOR honoured. */
  colorFor(stream: 'stdout' | 'stderr', choice: ColorChoice = 'auto'): ChalkInstance {
    return chalkFor(this, stream, choice);
  }

  /** How wide a table on stderr may be: a terminal's reader reads it there; a file or mail takes more. */
  get tableWidth(): number {
    return this.stderrIsTTY ? 100 : 160;
  }

  /** A status line on stderr while someone watches it; none for cron, or with --quiet. */
  statusLine(quiet: boolean): StatusLine | undefined {
    return this.stderrIsTTY && !quiet ? createStatusLine(this.stderr) : undefined;
  }

  /** A spinner on stderr, drawn only on a terminal. */
  spinner(): Spinner {
    return createSpinner(this.stderr, this.stderrIsTTY);
  }

  /** A yes-or-no question on stderr, answered on stdin. */
  confirm(question: string, signal?: AbortSignal): Promise<boolean> {
    return confirm(question, this.stdin, this.stderr, signal);
  }
}
