import { ExitCode } from '../errors.js';

export const EXIT_CODES_HELP = `
Exit codes:
  ${ExitCode.ok}    success (also when the output pipe closes, as with | head)
  ${ExitCode.runtime}    runtime error: AWS refused, network, cluster or stream not found,
       KMS will not open the data keys, a full disk or a file that cannot be written
  ${ExitCode.usage}    usage error: wrong or missing flags, --checkpoint with a closed stdout,
       a checkpoint other users could write, a lock lost to another run
  ${ExitCode.unreadableRecord}    a record could not be decrypted or decoded
  ${ExitCode.gap}    gap: events the checkpoint expected were trimmed, or the stream was made anew
  ${ExitCode.findings}    detect --fail-on LEVEL: a finding at that level or above (only when nothing above failed)
  ${ExitCode.interrupted}  interrupted (SIGINT)
  ${ExitCode.terminated}  terminated (SIGTERM)
`;
