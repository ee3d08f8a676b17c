import type { ChalkInstance } from 'chalk';
import type { Writable } from 'node:stream';
import { UserError } from '../errors.js';
import { visibleLines } from './visible.js';

/**
 * das-read's voice on stderr. Progress talks only when someone is watching (a terminal,
 * or --verbose): a cron job that worked stays silent.
 */
export class Diagnostics {
  constructor(
    private readonly stderr: Writable,
    private readonly chalk: ChalkInstance,
    private readonly chatty: boolean,
    private readonly debug = false,
    /** --quiet: errors only. */
    private readonly quiet = false,
  ) {}

  /** Whether info() is said: someone is watching. */
  get talks(): boolean {
    return this.chatty && !this.quiet;
  }

  info(message: string): void {
    if (this.talks) this.#line(this.chalk.dim(`das-read: ${this.#shown(message)}`));
  }

  warn(message: string): void {
    if (!this.quiet) this.#line(`das-read: ${this.chalk.yellow('warning:')} ${this.#shown(message)}`);
  }

  /** Prints an error once, as the user should see it. */
  error(error: unknown): void {
    if (error instanceof UserError) {
      this.#line(`das-read: ${this.chalk.red('error:')} ${this.#shown(error.message)}`);
      if (error.hint) this.#line(indent(this.#shown(error.hint)));
      if (this.debug && error.cause instanceof Error && error.cause.stack) this.#line(error.cause.stack);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.#line(`das-read: ${this.chalk.red('unexpected error:')} ${this.#shown(message)}`);
    if (this.debug && error instanceof Error && error.stack) this.#line(error.stack);
    else this.#line(indent('This is likely a bug in das-read. Run again with --debug for details, and report it.'));
  }

  // Messages quote record content (a skipped record's reason, a name RDS returned): shown as data.
  #shown(message: string): string {
    return visibleLines(message, (escape) => this.chalk.dim(escape));
  }

  #line(text: string): void {
    this.stderr.write(text + '\n');
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
