import type { AwsClients, AwsOptions, LabCredentials } from '../aws/clients.js';
import type { LockOwner } from '../checkpoint/lock.js';
import type { ColorChoice } from '../terminal/color.js';
import type { Diagnostics } from '../terminal/diagnostics.js';
import type { IOStreams } from '../terminal/io-streams.js';
import type { Writable } from 'node:stream';

/** What every action gets: the terminal, the process's facts, and a way to talk to AWS. */
export interface ActionContext {
  /** The streams, and what the terminal gets: colour, width, progress, prompts. */
  io: IOStreams;
  signal: AbortSignal;
  now: () => Date;
  lockOwner: LockOwner;
  nodePath: string;
  /** `stderr`: where the messages go instead of the terminal's stderr (above a status line). */
  log(options?: { color?: ColorChoice; verbose?: boolean; quiet?: boolean; debug?: boolean; stderr?: Writable }): Diagnostics;
  /** Runs `use` with clients for `aws`, destroyed afterwards; credentials from the default chain, unless these are the lab's. */
  withClients<T>(aws: AwsOptions, use: (clients: AwsClients) => Promise<T>, labCredentials?: LabCredentials): Promise<T>;
  /** The exit code for a run that was stopped by a signal, if it was. */
  interrupted(): number | undefined;
}
