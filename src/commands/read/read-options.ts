import type { AwsOptions } from '../../aws/clients.js';
import type { DatabaseSource } from '../../aws/database-source.js';
import type { StartPosition } from '../../kinesis/positions.js';
import type { ColorChoice } from '../../terminal/color.js';
import type { EventFilterSpec } from '../../events/filter.js';
import type { OutputFormat } from '../../format/event-format.js';
import type { OnError } from '../../write/batch-render.js';

/** What a read is asked to do: built from flags by read-flags.ts, or by a program of its own. */
export interface ReadOptions {
  source: DatabaseSource<'cluster' | 'instance' | 'stream'>;
  aws: AwsOptions;
  follow: boolean;
  /** Where a first run starts; a checkpoint overrides it on later runs. */
  from: StartPosition;
  until?: Date;
  /** --tail: start with the last n events the stream holds. */
  tail?: number;
  maxEvents?: number;
  /** Records asked for per GetRecords call. */
  batchSize: number;
  /** Decryption threads at most (they start as the load needs them); 0 decrypts on the main thread. */
  threads: number;
  /** A record's size once inflated, at most: past it the record is unreadable. */
  maxRecordBytes: number;
  checkpoint?: string;
  onError: OnError;
  deadLetter?: string;
  output: OutputFormat;
  includeHeartbeats: boolean;
  /** Which events are written; the others still move the checkpoint. */
  filter: EventFilterSpec;
  /** Values taken out of the SQL and the bind parameters. */
  redact: boolean;
  /** Pretty: times in UTC; statements in full. */
  utc: boolean;
  wide: boolean;
  /** --security-lake-dir: OCSF Parquet files in Security Lake's layout instead of stdout. */
  securityLake?: { dir: string; source: string; everyMs: number };
  /** --summary: tally what is written, for a table at the end. */
  summary: boolean;
  /** --fields: only these, in this order. */
  fields?: string[];
  color: ColorChoice;
  verbose: boolean;
  quiet: boolean;
  debug: boolean;
}
