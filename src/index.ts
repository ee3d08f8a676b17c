// The library API: what another program, or a Lambda reading the stream, imports.
export { createAwsClients, type AwsClients, type AwsOptions } from './aws/clients.js';
export { resolveTarget } from './aws/resolve.js';
export { targetFromStream, type Source, type StreamTarget } from './aws/stream-target.js';
export { createDecoder, type Decoder, type DecoderOptions } from './decode/decoder.js';
export { decodeBatches, type DecodedBatch, type RecordOutcome } from './decode/decode-stage.js';
export { encryptionContextFor, type EncryptionContext } from './decode/encryption-context.js';
export type { DasActivityRecord, DasEvent, DecodedRecord, RawRecord } from './decode/types.js';
export { readStream, type StreamReadOptions } from './kinesis/stream-reader.js';
export type { ShardBatch } from './kinesis/shard-reader.js';
export type { StartPosition } from './kinesis/positions.js';
export { formatNdjson } from './output/ndjson.js';
export { ExitCode, RecordError, UserError, UsageError } from './errors.js';
