// The library API: what another program, the lab, or a Lambda reading the stream imports ('das-read').
// The CLI is built on these same functions; nothing else of the package can be imported.
export { createAwsClients, type AwsClients, type AwsOptions, type SdkWarnings } from './aws/clients.js';
export { resolveTarget, resourceIdOf } from './aws/resolve.js';
export { placeOfArn, targetFromStream, type StreamTarget } from './aws/stream-target.js';
export type { DatabaseSource, RdsDatabase } from './aws/database-source.js';
import type { DatabaseSource } from './aws/database-source.js';
/** @deprecated The name of a read's source before DatabaseSource: the kinds `resolveTarget` takes. */
export type Source = DatabaseSource<'cluster' | 'instance' | 'stream'>;
export { createDecoder, type Decoder, type DecoderOptions } from './decode/decoder.js';
export type { DataKeyStats } from './decode/data-keys.js';
export { decodeBatches, type DecodedBatch, type DecodeStageOptions, type RecordOutcome } from './decode/decode-stage.js';
export { encryptionContextFor, type EncryptionContext } from './decode/encryption-context.js';
export type { DasActivityRecord, DasEvent, DasEventType, DecodedRecord, RawRecord } from './decode/types.js';
export { readStream, type StreamReadOptions } from './kinesis/stream-reader.js';
export type { ShardBatch } from './kinesis/shard-reader.js';
export type { StartPosition } from './kinesis/positions.js';
export { compileFilter, isServiceUser, type EventFilter, type EventFilterSpec } from './events/filter.js';
export { isFailure } from './events/outcome.js';
export { redactEvent, redactSql, prepareRedaction, engineOf, type Engine } from './events/redact.js';
export { keeps } from './events/keeps.js';
export { eventId, formatNdjson } from './format/ndjson.js';
export { eventFormatter, type OcsfPlace } from './format/event-format.js';
export { formatted, type EventFormatter } from './format/event-formatter.js';
export { Utf8Builder } from './format/utf8-builder.js';
export { toOcsf, OCSF_VERSION, type OcsfContext, type OcsfEvent } from './events/ocsf.js';
export { visible } from './terminal/visible.js';
export { toAsff, asffTypes, ASFF_SCHEMA_VERSION, type AsffFinding, type AsffPlace } from './detect/asff.js';
export { toOcsfFinding, type OcsfFinding } from './detect/finding-ocsf.js';
export type { FindingPlace } from './detect/finding-place.js';
export { ocsfParquet } from './sinks/ocsf-parquet.js';
export { lakeObjects, type LakeObject } from './sinks/security-lake-layout.js';
export { DataKeyRecordError, ExitCode, RecordError, UsageError, UserError, type ExitCodeValue, type RecordPosition } from './errors.js';
export { createDetector, MAX_STATE_BYTES, type Detector, type DetectorOptions, type DetectorStats } from './detect/detector.js';
export { compileRules, type RuleText } from './detect/compile-rules.js';
export { LEVELS, MAX_EVIDENCE, eventTimeText, findingUid, type Finding, type Level, type RuleSummary, type SeenEvent } from './detect/finding.js';
export type { CorrelationRule, EventRule, Rule } from './detect/rule.js';
