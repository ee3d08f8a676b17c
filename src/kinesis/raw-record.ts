/** A Kinesis record as das-read receives it, before decoding. */
export interface RawRecord {
  shardId: string;
  sequenceNumber: string;
  data: Uint8Array;
  arrivalTime?: Date;
  /** A record read from a file, not a shard: where it is, for messages. */
  place?: string;
}
