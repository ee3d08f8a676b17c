import { CommanderError } from 'commander';
import type { AwsOptions } from '../aws/clients.js';
import type { LockOwner } from '../checkpoint/lock.js';
import { ExitCode, UserError } from '../errors.js';
import { IOStreams } from '../terminal/io-streams.js';
import { Diagnostics } from '../terminal/diagnostics.js';
import type { IO } from '../terminal/io.js';
import { VERSION } from '../version.js';
import { buildProgram, optionsAfterSubcommand, type Flags } from './program.js';
import type { FlagsOf } from '../cmdutil/flags.js';
import type { COMMANDS } from './commands.js';
import type { ActionContext } from '../cmdutil/action-context.js';

export type { ActionContext } from '../cmdutil/action-context.js';

export interface RunDeps {
  /** Aborted by main on SIGINT / SIGTERM, with the signal's name as the reason. */
  signal?: AbortSignal;
  now?: () => Date;
  /** This process, for the checkpoint lock; without it a lock is never taken over. */
  lockOwner?: LockOwner;
  /** The Node.js binary, for the processes the lab starts. */
  nodePath?: string;
  /** This Node.js version, when it is past its end of life. */
  nodePastEndOfLife?: string;
  /** Where das-read remembers things between runs (when the Node.js note was last shown); default from the environment. */
  stateDir?: string;
}

const UNKNOWN_OWNER: LockOwner = { pid: -1, isAlive: () => true };

/** The whole program as a function: argv and an IO object in, an exit code out. */
export async function run(argv: string[], streams: IO, deps: RunDeps = {}): Promise<number> {
  const io = new IOStreams(streams);
  const signal = deps.signal ?? new AbortController().signal;
  const context: ActionContext = {
    io,
    signal,
    now: deps.now ?? (() => new Date()),
    lockOwner: deps.lockOwner ?? UNKNOWN_OWNER,
    nodePath: deps.nodePath ?? 'node',
    log: (options = {}) =>
      new Diagnostics(
        options.stderr ?? io.stderr,
        io.colorFor('stderr', options.color),
        io.stderrIsTTY || options.verbose === true,
        options.debug,
        options.quiet,
      ),
    async withClients(aws, use, labCredentials) {
      const warnings = context.log();
      const { clientsFor } = await import('../aws/clients.js');
      const clients = clientsFor(aws, (message) => warnings.warn(sdkWarning(message, aws, io.env)), labCredentials);
      try {
        return await use(clients);
      } catch (error) {
        throw (await missingProfile(error, aws, io.env)) ?? error;
      } finally {
        clients.destroy();
      }
    },
    interrupted: () => (signal.aborted ? (signal.reason === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted) : undefined),
  };

  let exitCode: number = ExitCode.ok;
  // Each action reports its own errors once, in the user's words, and says how the run ended.
  const guarded =
    <F extends Flags>(action: () => Promise<(flags: F, context: ActionContext) => Promise<number>>, { nodeNote = true } = {}) =>
    async (flags: F): Promise<void> => {
      // Where progress is said (a terminal, or --verbose): cron mails whatever a job writes on stderr.
      const color = flags.color === 'always' || flags.color === 'never' ? { color: flags.color as 'always' | 'never' } : {};
      const progress = context.log({ verbose: flags.verbose === true, quiet: flags.quiet === true, ...color });
      // Said before a command runs, never with --help or --version, nor by the stream's quick commands;
      // at most once a day, and remembered only when someone could see it.
      if (nodeNote && deps.nodePastEndOfLife !== undefined && progress.talks) {
        const { nodeNoteDue, stateDirOf } = await import('./node-note.js');
        if (await nodeNoteDue(deps.stateDir ?? stateDirOf(io.env), context.now()))
          progress.info(`note: Node.js ${deps.nodePastEndOfLife} is past its end of life; Node.js 22 or 24 is recommended.`);
      }
      try {
        // A retry is said too: "waiting on a throttled shard", not silence.
        const { reportingRetries } = await import('../aws/retry.js');
        exitCode = await reportingRetries(
          (message) => progress.info(message),
          async () => (await action())(flags, context),
        );
      } catch (error) {
        exitCode = context.interrupted() ?? report(context.log({ debug: flags.debug === true }), error);
      }
    };
  const program = buildProgram(
    VERSION,
    { writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) },
    // Each command loads its own code when it runs: a read never loads the lab (its servers,
    // the Encryption SDK's encrypting half), and --help loads no command at all.
    {
      read: guarded(async () => (await import('../commands/read/read-action.js')).readAction),
      status: guarded(async () => (await import('../commands/stream/stream-actions.js')).statusAction, { nodeNote: false }),
      start: guarded(async () => (await import('../commands/stream/stream-actions.js')).startAction, { nodeNote: false }),
      stop: guarded(async () => (await import('../commands/stream/stream-actions.js')).stopAction, { nodeNote: false }),
      show: guarded(async () => (await import('../commands/show/show-action.js')).showAction),
      detect: guarded(async () => (await import('../commands/detect/detect-action.js')).detectAction),
      rules: guarded(async () => (await import('../commands/detect/rules-action.js')).rulesAction),
      report: guarded(async () => (await import('../commands/report/report-action.js')).reportAction),
      decode: guarded(async () => (await import('../commands/decode/decode-action.js')).decodeAction),
      lab: guarded(async () => (await import('../commands/lab/lab-actions.js')).labAction),
      demo: guarded(async () => {
        // The demo is the lab, a read, an attack and a detect: the one place commands meet is here, where they are wired.
        const [{ demoAction }, { readAction }, { detectAction }] = await Promise.all([
          import('../commands/lab/lab-actions.js'),
          import('../commands/read/read-action.js'),
          import('../commands/detect/detect-action.js'),
        ]);
        return (flags: FlagsOf<typeof COMMANDS.demo>, context: ActionContext) => demoAction(flags, context, { readAction, detectAction });
      }),
    },
  );
  try {
    await program.parseAsync(optionsAfterSubcommand(program, argv), { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed its own message (or the help) already.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    return report(context.log(), error);
  }
  return exitCode;
}

function report(log: Diagnostics, error: unknown): number {
  log.error(error);
  return error instanceof UserError ? error.exitCode : ExitCode.runtime;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The SDK's warning in one line of das-read's. */
function sdkWarning(message: string, aws: AwsOptions, env: Env): string {
  if (/Multiple credential sources detected/.test(message)) {
    return `using the profile ${aws.profile ?? env.AWS_PROFILE ?? ''}: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment are ignored`;
  }
  return `the AWS SDK says: ${
    message
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? message
  }`;
}

/** With --profile, "no credentials" most often means no such profile: say which, and what there is. */
async function missingProfile(error: unknown, aws: AwsOptions, env: Env): Promise<UserError | undefined> {
  const { NoCredentialsError } = await import('../aws/aws-errors.js');
  if (!(error instanceof NoCredentialsError) || aws.profile === undefined) return undefined;
  const { parseKnownFiles } = await import('@smithy/core/config');
  const profiles = Object.keys(await parseKnownFiles({}).catch(() => ({})));
  if (profiles.includes(aws.profile)) return undefined;
  const files = `${env.AWS_CONFIG_FILE ?? '~/.aws/config'} or ${env.AWS_SHARED_CREDENTIALS_FILE ?? '~/.aws/credentials'}`;
  return new UserError(
    `no profile "${aws.profile}" in ${files}`,
    undefined,
    profiles.length ? `The profiles there: ${profiles.join(', ')}.` : 'Those files hold no profile.',
  );
}
