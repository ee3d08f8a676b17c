// The function's entry (das-read/lambda): like main.ts for the CLI, the one file here that touches
// `process`. What it makes at module scope lives as long as the function instance: the KMS client,
// and the data keys it opened, are there for the next invocation.
import { lambdaRuntime } from './runtime.js';

export const handler = lambdaRuntime({ env: process.env, stdout: process.stdout, stderr: process.stderr });

export type { LambdaHandler } from './runtime.js';
export type { FirehoseTransformEvent, FirehoseTransformResponse, KinesisBatchResponse, KinesisStreamEvent } from './lambda-events.js';
