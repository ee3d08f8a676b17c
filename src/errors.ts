/**
 * Exit codes are part of das-read's interface: cron jobs and scripts branch on them.
 * Keep this table, the README and `--help` in step.
 */
export const ExitCode = {
  ok: 0,
  /** Something outside das-read failed: AWS refused, the network, the cluster. */
  runtime: 1,
  /** The command line was wrong. */
  usage: 2,
  /** A record in the stream could not be decrypted or decoded. */
  unreadableRecord: 3,
  /** The stream no longer holds data the checkpoint points at: events were lost to retention. */
  gap: 4,
  /** `das-read detect --fail-on LEVEL`: a finding at that level or above was made (and nothing failed). */
  findings: 5,
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the user can act on: printed as its message (and hint), never with a stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.runtime,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UserError';
  }
}

export class UsageError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
    this.name = 'UsageError';
  }
}

/** Where a record sits in the stream: enough to find it again with the AWS CLI. */
export interface RecordPosition {
  shardId: string;
  sequenceNumber: string;
  /** Where a record kept outside Kinesis sits, in words (`byte 1234 of FILE`): said instead of the shard. */
  place?: string;
}

/** One record that cannot be turned into events; the reason says which step refused it. */
export class RecordError extends UserError {
  constructor(
    readonly position: RecordPosition,
    readonly reason: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(
      position.place
        ? `cannot read the record at ${position.place}: ${reason}`
        : `cannot read record ${position.sequenceNumber} in ${position.shardId}: ${reason}`,
      ExitCode.unreadableRecord,
      hint,
      options,
    );
    this.name = 'RecordError';
  }
}

/**
 * A record whose data key KMS will not open (another resource's context, a disabled key, one
 * pending deletion). Not a bad record: skipping would drop every event under that key, so a
 * run stops at it whatever --on-error says.
 */
export class DataKeyRecordError extends RecordError {
  constructor(position: RecordPosition, reason: string, hint?: string, options?: { cause?: unknown }) {
    super(position, reason, hint, options);
    this.name = 'DataKeyRecordError';
  }
}
