import { resourceIdOf } from '../../aws/resolve.js';
import type { DECODE } from './decode-command.js';
import { decodeCommand, type ArchiveInput } from './decode.js';
import { ExitCode, UserError } from '../../errors.js';
import { savedInputs } from '../../cmdutil/saved-inputs.js';
import { eventFormatter } from '../../format/event-format.js';
import type { ActionContext } from '../../cmdutil/action-context.js';
import { VERSION } from '../../version.js';
import { placeOfArn } from '../../aws/stream-target.js';
import { totalsLine } from '../../cmdutil/totals.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import { layoutOf } from '../../cmdutil/pretty-layout.js';
import { namesOwner, toDecodeOptions } from './decode-flags.js';
import { firstLineKind, showCommand, type EventLines } from '../../saved/event-lines.js';

/** `das-read decode [FILE…]`: archived records, decrypted as the live reader decrypts them. */
export async function decodeAction(flags: FlagsOf<typeof DECODE> & { files: string[] }, context: ActionContext): Promise<number> {
  const { io } = context;
  const inputs: ArchiveInput[] = savedInputs(flags.files, io, 'archives to read', 'das-read decode das-stream-1-2026-12-01.gz --cluster prod');
  if (!namesOwner(flags)) {
    // Asking whose records these are would send the user looking for a cluster the events need none of.
    const first = inputs[0];
    const kind = first && (await firstLineKind(first, PEEK_BYTES, context.signal));
    const stopped = context.interrupted();
    if (stopped !== undefined) return stopped;
    if (first && kind) throw eventLinesError(first.name, kind);
  }
  const options = toDecodeOptions(flags, io.stdoutIsTTY);
  const log = context.log({ color: options.color, verbose: options.verbose, quiet: options.quiet, debug: options.debug });
  const summary = await context.withClients(options.aws, async (clients) => {
    const { source } = options;
    const owner = await resourceIdOf(source, clients.rds, context.signal);
    const place = placeOfArn(owner.arn);
    const region = place.region ?? (await clients.kms.config.region().catch(() => undefined));
    return decodeCommand(
      inputs,
      { ...options, resourceId: owner.resourceId },
      {
        kms: clients.kms,
        stdout: io.stdout,
        format: eventFormatter(options.output, io.colorFor('stdout', options.color), {
          redact: options.redact,
          ...layoutOf(options, io),
          ocsf: { ...place, ...(region ? { region } : {}), readerVersion: VERSION },
        }),
        log,
        signal: context.signal,
      },
    );
  });
  log.info(totalsLine(summary));
  return context.interrupted() ?? (summary.missing > 0 ? ExitCode.runtime : ExitCode.ok);
}

/** How much of the first input is read to tell events from records: one event line, but for the rarest statement. */
const PEEK_BYTES = 1024 * 1024;

/** Events given to decode, which reads encrypted records: `show` is the command for them. */
function eventLinesError(name: string, kind: EventLines): UserError {
  const what = kind === 'das-read' ? "this is das-read's output (events, each with its eventId)" : 'these are activity events already decrypted';
  return new UserError(
    `${what}, not activity stream records: use \`${showCommand(name)}\``,
    ExitCode.unreadableRecord,
    'decode decrypts the records RDS wrote (a Firehose delivery to S3, a dead letter); show reads events.',
  );
}
