// The lab's API: what `das-read lab` / `das-read demo`, the tests and the benchmark start.
export { LAB_ACCOUNT, LAB_CREDENTIALS, LAB_REGION, startLab, waitForActive, type Lab, type LabOptions } from './lab.js';
export { LAB_CLUSTER, LAB_KEY_ALIAS, startLabSession, type LabSession, type LabSessionOptions } from './lab-session.js';
export { postgresSource } from './postgres-source.js';
export { DasRecordProducer, SIGNED_SUITE, UNSIGNED_SUITE, rdsEncryptionContext, type ProducerOptions } from './producer.js';
export { putRecords } from './put-records.js';
export { activityRecord, heartbeatEvent, postgresEvent } from './synthetic-events.js';
export { activityStreamName, ACTIVITY_STREAM_STARTED, ACTIVITY_STREAM_STOPPED, type LabDatabase, type RecordedEvent } from './local-rds.js';
export { freePort } from './http.js';
export { LocalFirehose, type DeliveryStream } from './local-firehose.js';
export { LocalS3 } from './local-s3.js';
export { LocalSecurityHub, SECURITY_HUB_LIMITS, type ImportedFinding, type FailedFinding } from './local-securityhub.js';
export { LocalEventBridge, EVENTBRIDGE_LIMITS, type BusEvent, type FailedEntry } from './local-eventbridge.js';
