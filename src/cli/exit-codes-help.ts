import { ExitCode } from '../errors.js';

export const EXIT_CODES_HELP = `
Exit codes:
  ${ExitCode.ok}    success (also when the output pipe closes, as with | head)
  ${ExitCode.runtime}    runtime error: AWS refused, network, cluster or stream not found
  ${ExitCode.usage}    usage error: wrong or missing flags
  ${ExitCode.unreadableRecord}    a record could not be decrypted or decoded
  ${ExitCode.gap}    gap: events the checkpoint expected were already trimmed from the stream
  ${ExitCode.interrupted}  interrupted (SIGINT)
  ${ExitCode.terminated}  terminated (SIGTERM)
`;
