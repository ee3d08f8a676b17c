import { UsageError } from '../../errors.js';
import { awsOptionsOf } from '../../cmdutil/aws-flags.js';
import { archiveSourceOf } from '../../cmdutil/database-flags.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import { showingOf } from '../../cmdutil/output-flags.js';
import { recordHandlingOf } from '../../cmdutil/record-flags.js';

/** `das-read decode`: the archive's owner, the record handling and the showing flags of a read. */
export function toDecodeOptions(flags: FlagsOf<'decode'>, stdoutIsTTY: boolean) {
  if (flags.quiet && flags.verbose) throw new UsageError('--quiet and --verbose ask for opposite things: give one');
  return {
    source: archiveSourceOf(flags),
    aws: awsOptionsOf(flags),
    ...recordHandlingOf(flags),
    ...showingOf(flags, stdoutIsTTY),
    verbose: flags.verbose ?? false,
    quiet: flags.quiet ?? false,
    debug: flags.debug ?? false,
  };
}
