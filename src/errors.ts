/**
 * Exit codes are part of das-read's interface: cron jobs and scripts branch on them.
 * `--help` and the docs (npm run docs) are written from EXIT_CODE_MEANINGS below.
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

/** What each exit code says: `summary` in one line (`--help`, the README), `detail` in full (docs/reference.md). */
export const EXIT_CODE_MEANINGS: Record<keyof typeof ExitCode, { readonly summary: string; readonly detail: string }> = {
  ok: {
    summary: 'success (also when the output pipe closes, as with | head)',
    detail: 'success, also when the reader of the output goes away (`| head`)',
  },
  runtime: {
    summary: 'runtime error: AWS refused, network, not found, KMS will not open the data keys, a write failed',
    detail:
      'runtime error: AWS refused (the message names the permission), network, cluster or stream not found, stream not started, checkpoint locked or damaged; ' +
      "KMS will not open the stream's data keys (another resource id, a key disabled or pending deletion: whatever `--on-error` says); " +
      'the disk or file system refused a write (`ENOSPC`, `EDQUOT`, `EFBIG`, `EIO`, `EROFS`, `EACCES`: named, with the file)',
  },
  usage: {
    summary: 'usage error: wrong or missing flags, a mistyped command, --checkpoint with a closed stdout, an unsafe checkpoint, a lost lock',
    detail:
      'usage error (an option before a subcommand that has no use for it included; a mistyped command, named with the one meant), a checkpoint that belongs to another stream, or `--checkpoint` with a closed stdout (`>&-`); ' +
      "a checkpoint other users could write (its folder writable by them without the sticky bit, the file or its lock another user's, or writable by group or others: " +
      'the message names the path and the `chmod`/`chown` that fixes it, as ssh refuses such key files); a run whose lock was replaced under it (it stops before its next batch)',
  },
  unreadableRecord: {
    summary: 'a record could not be decrypted or decoded',
    detail:
      'a record could not be decrypted or decoded (including one whose own data key KMS refuses while later records open, one larger than `--max-record-bytes` once inflated, ' +
      'one that is not valid UTF-8, and one with an event nested more than 1,000 levels deep): the events before it are written and checkpointed, ' +
      'and the message names its shard, sequence number and why',
  },
  gap: {
    summary: 'gap: events the checkpoint expected were trimmed, or the stream was made anew',
    detail:
      'gap: the checkpoint pointed at events the stream no longer holds (retention is 24 hours), or at a stream that was stopped and started again ' +
      '(a new Kinesis stream with the same name); every shard concerned is named, and what is still there was read',
  },
  findings: {
    summary: 'detect --fail-on LEVEL: a finding at that level or above (only when nothing above failed)',
    detail:
      'only with `detect --fail-on LEVEL`: a finding at that level or above was made, and every event was evaluated (an unreadable record or line, exit 3, and a gap, exit 4, outrank it)',
  },
  interrupted: {
    summary: 'interrupted (SIGINT)',
    detail:
      'stopped by SIGINT, after writing what was decoded and saving the checkpoint; ' +
      'a consumer that takes nothing for a second after the signal does not hold the stop (what it did not take is not marked as read)',
  },
  terminated: {
    summary: 'terminated (SIGTERM)',
    detail: 'stopped by SIGTERM, as by SIGINT',
  },
};

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
