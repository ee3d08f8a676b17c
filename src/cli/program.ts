import { Command, Option } from 'commander';
import { EXIT_CODES_HELP } from './exit-codes-help.js';
import type { RawReadFlags } from './read-options.js';

export interface ProgramOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

/** The command line, and nothing else: commands get validated options, not commander. */
export function buildProgram(version: string, output: ProgramOutput, onRead: (flags: RawReadFlags) => Promise<void>): Command {
  const program = new Command('das-read')
    .description('Read, decrypt and print an Amazon Aurora / RDS Database Activity Stream.')
    .version(version, '-V, --version')
    .option('--cluster <name>', 'Aurora DB cluster identifier or ARN')
    .option('--instance <name>', 'RDS for Oracle / SQL Server DB instance identifier or ARN')
    .option('--stream-name <name>', 'read this Kinesis stream directly, without asking RDS (aws-rds-das-…)')
    .option('--resource-id <id>', 'with --stream-name: the cluster-… or db-… resource id, when the name does not end with it')
    .option('--region <region>', 'AWS region (default: from the environment or profile)')
    .option('--profile <name>', 'AWS named profile (default: the default credential chain)')
    .option('--endpoint-url <url>', 'send RDS, Kinesis and KMS calls to this endpoint (a local lab)')
    .option('--no-follow', 'exit once every shard has reached the end it had when the run started')
    .option('--from <position>', 'where a first run starts: trim-horizon (default), latest, a time (UTC unless zoned), or a duration ago: 90s, 15m, 2h')
    .option('--until <time>', 'stop at events that arrived after this time or duration ago')
    .option('--max-events <n>', 'stop after writing n events')
    .option('--checkpoint <file>', 'resume after the last event written by the previous run, and save the position as events are written')
    .option('--on-error <policy>', 'a record that cannot be read: fail (stop, exit 3) or skip (report it and go on)', 'fail')
    .option('--dead-letter <file>', 'with --on-error skip: append each unreadable record, with its position and the reason, to this NDJSON file')
    .option('--batch-size <n>', 'records asked for per GetRecords call, 1 to 10000', '1000')
    .addOption(new Option('-o, --output <format>', 'pretty or ndjson (default: pretty on a terminal, ndjson otherwise)'))
    .option('--include-heartbeats', 'also print heartbeat events')
    .addOption(new Option('--color <when>', 'colour the pretty output: auto, always, never').default('auto'))
    .option('-v, --verbose', 'report progress on stderr even when it is not a terminal')
    .option('--debug', 'show stack traces of unexpected errors')
    .addHelpText(
      'after',
      `
Examples:
  das-read --cluster auroralab-postgres-cluster
  das-read --cluster prod -o ndjson | jq 'select(.class=="DDL")'
  das-read --stream-name aws-rds-das-cluster-ABCDEFGH --region eu-west-1 --no-follow
  das-read --cluster prod --checkpoint /var/lib/das/prod.json --no-follow >> audit.ndjson
${EXIT_CODES_HELP}`,
    )
    .showHelpAfterError('(das-read --help shows every option)')
    .exitOverride()
    .configureOutput({
      writeOut: output.writeOut,
      writeErr: output.writeErr,
      outputError: (message, write) => write(`das-read: ${message}`),
    })
    .action(async (flags: RawReadFlags) => onRead(flags));
  return program;
}
