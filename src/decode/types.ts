/**
 * The shapes of a Database Activity Stream, typed loosely where the engines drift
 * (see docs/das-format.md §4). Unknown fields pass through untouched.
 */

/** The JSON wrapper that is each Kinesis record's `Data`. */
export interface DasWrapper {
  type: 'DatabaseActivityMonitoringRecords';
  version: string;
  /** KMS ciphertext blob of the data key. */
  key: Uint8Array;
  /** The same, as the wrapper's base64: names the data key in caches. */
  keyText: string;
  /** AWS Encryption SDK message whose plaintext is gzip'd JSON. */
  databaseActivityEvents: Uint8Array;
}

export type DasEventType = 'record' | 'heartbeat';

export interface DasEvent {
  type: DasEventType | string;
  class?: string | null;
  command?: string | null;
  commandText?: string | null;
  databaseName?: string | null;
  dbUserName?: string | null;
  logTime?: string | null;
  startTime?: string | null;
  endTime?: string | null;
  errorMessage?: string | null;
  exitCode?: number | string | null;
  objectName?: string | null;
  objectType?: string | null;
  paramList?: string[] | null;
  pid?: number | null;
  remoteHost?: string | null;
  remotePort?: string | number | null;
  rowCount?: number | null;
  sessionId?: string | number | null;
  statementId?: number | string | null;
  substatementId?: number | null;
  transactionId?: string | number | null;
  clientApplication?: string | null;
  serverHost?: string | null;
  serverType?: string | null;
  serverVersion?: string | null;
  serviceName?: string | null;
  engineNativeAuditFields?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The decrypted payload of one Kinesis record. */
export interface DasActivityRecord {
  type: 'DatabaseActivityMonitoringRecord';
  clusterId?: string;
  instanceId?: string;
  databaseActivityEventList: DasEvent[];
  [field: string]: unknown;
}

// The reader owns the raw record; decoding takes it from there.
export type { RawRecord } from '../kinesis/raw-record.js';

/** A Kinesis record after decoding: where it came from and what it held. */
export interface DecodedRecord {
  shardId: string;
  sequenceNumber: string;
  version: string;
  clusterId: string | null;
  instanceId: string | null;
  readonly eventCount: number;
  /** The event's JSON, every field as decrypted and in its order: what ndjson prints without parsing it again. */
  eventJson(index: number): string;
  /** The same JSON as UTF-8: what ndjson copies into its output without making a string of it. */
  eventBytes(index: number): Uint8Array;
  isHeartbeat(index: number): boolean;
  /** The event has a field of its own named clusterId, instanceId or eventId. */
  carriesIdField(index: number): boolean;
  /** The events as objects, parsed when first asked for. */
  readonly events: DasEvent[];
}
