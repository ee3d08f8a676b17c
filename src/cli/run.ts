import { CommanderError } from 'commander';
import { createAwsClients, type AwsClients, type AwsOptions } from '../aws/clients.js';
import { readCommand } from '../commands/read.js';
import { ExitCode, UserError } from '../errors.js';
import { colorLevel, makeChalk } from '../output/color.js';
import { Diagnostics } from '../output/diagnostics.js';
import { formatNdjson } from '../output/ndjson.js';
import { formatPretty } from '../output/pretty.js';
import type { IO } from '../output/io.js';
import { buildProgram } from './program.js';
import { toReadOptions, type RawReadFlags } from './read-options.js';
import { VERSION } from '../version.js';
import type { LockOwner } from '../checkpoint/lock.js';

export interface RunDeps {
  /** Aborted by main on SIGINT / SIGTERM, with the signal's name as the reason. */
  signal?: AbortSignal;
  createClients?: (options: AwsOptions) => AwsClients;
  now?: () => Date;
  /** This process, for the checkpoint lock; without it a lock is never taken over. */
  lockOwner?: LockOwner;
}

const UNKNOWN_OWNER: LockOwner = { pid: -1, isAlive: () => true };

/** The whole program as a function: argv and an IO object in, an exit code out. */
export async function run(argv: string[], io: IO, deps: RunDeps = {}): Promise<number> {
  const signal = deps.signal ?? new AbortController().signal;
  const plainLog = new Diagnostics(io.stderr, makeChalk(colorLevel('auto', io.stderrIsTTY, io.env)), io.stderrIsTTY);
  let exitCode: number = ExitCode.ok;

  const onRead = async (flags: RawReadFlags) => {
    const now = deps.now ?? (() => new Date());
    const options = toReadOptions(flags, io.stdoutIsTTY, now());
    const chalk = makeChalk(colorLevel(options.color, io.stdoutIsTTY, io.env));
    const log = new Diagnostics(io.stderr, makeChalk(colorLevel(options.color, io.stderrIsTTY, io.env)), io.stderrIsTTY || options.verbose, options.debug);
    const clients = (deps.createClients ?? createAwsClients)(options.aws);
    try {
      const summary = await readCommand(options, {
        clients,
        stdout: io.stdout,
        format: options.output === 'ndjson' ? formatNdjson : (event, record) => formatPretty(event, record, chalk),
        log,
        signal,
        now,
        lockOwner: deps.lockOwner ?? UNKNOWN_OWNER,
        syncStdout: io.syncStdout,
      });
      log.info(`${count(summary.events, 'event')} from ${count(summary.records, 'record')}; ${count(summary.kmsDecryptCalls, 'data key')} decrypted by KMS`);
      if (summary.gaps.length > 0) log.warn(`the stream had lost events before this run could read them (${count(summary.gaps.length, 'shard')}); exit ${ExitCode.gap}`);
      exitCode = interruptedCode(signal) ?? (summary.gaps.length > 0 ? ExitCode.gap : ExitCode.ok);
    } catch (error) {
      exitCode = interruptedCode(signal) ?? report(log, error);
    } finally {
      clients.destroy();
    }
  };

  const program = buildProgram(VERSION, { writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) }, onRead);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed its own message (or the help) already.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    return report(plainLog, error);
  }
  return exitCode;
}

function report(log: Diagnostics, error: unknown): number {
  log.error(error);
  return error instanceof UserError ? error.exitCode : ExitCode.runtime;
}

function interruptedCode(signal: AbortSignal): number | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
