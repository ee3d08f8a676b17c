import { resourceIdOf } from '../../aws/resolve.js';
import type { DECODE } from './decode-command.js';
import { decodeCommand, type ArchiveInput } from './decode.js';
import { ExitCode } from '../../errors.js';
import { savedInputs } from '../../cmdutil/saved-inputs.js';
import { eventFormatter } from '../../format/event-format.js';
import type { ActionContext } from '../../cmdutil/action-context.js';
import { VERSION } from '../../version.js';
import { placeOfArn } from '../../aws/stream-target.js';
import { totalsLine } from '../../cmdutil/totals.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import { layoutOf } from '../../cmdutil/pretty-layout.js';
import { toDecodeOptions } from './decode-flags.js';

/** `das-read decode [FILE…]`: archived records, decrypted as the live reader decrypts them. */
export async function decodeAction(flags: FlagsOf<typeof DECODE> & { files: string[] }, context: ActionContext): Promise<number> {
  const { io } = context;
  const options = toDecodeOptions(flags, io.stdoutIsTTY);
  const inputs: ArchiveInput[] = savedInputs(flags.files, io, 'archives to read', 'das-read decode das-stream-1-2026-12-01.gz --cluster prod');
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
