/** A Kinesis record as das-read receives it, before decoding. */
export interface RawRecord {
  shardId: string;
  sequenceNumber: string;
  data: Uint8Array;
  arrivalTime?: Date;
}
