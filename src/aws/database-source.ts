/** Every way to say which database: a cluster or an instance RDS is asked about, its stream, or its resource id as it is. */
type AnySource =
  | { kind: 'cluster'; identifier: string }
  | { kind: 'instance'; identifier: string }
  /** The Kinesis stream itself, read without asking RDS; the resource id when its name does not end with it. */
  | { kind: 'stream'; streamName: string; resourceId?: string }
  /** `cluster-…` or `db-…`: the records' owner, without asking RDS. */
  | { kind: 'resource'; resourceId: string };

/**
 * Which database, as the user named it. A command that accepts only some kinds narrows it:
 * `DatabaseSource<'cluster' | 'instance'>` is one RDS describes (status, start, stop), a read
 * takes those and `'stream'`, an archive's owner those and `'resource'`.
 */
export type DatabaseSource<K extends AnySource['kind'] = AnySource['kind']> = Extract<AnySource, { kind: K }>;

/** A database RDS knows by name. */
export type RdsDatabase = DatabaseSource<'cluster' | 'instance'>;
