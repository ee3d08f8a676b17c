import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { askAccountAs } from './caller-account.js';

export interface AwsOptions {
  region?: string;
  /** A named profile; otherwise credentials come from the SDK's default chain. */
  profile?: string;
  /** Sends all three services to one endpoint (a local lab); the SDK's AWS_ENDPOINT_URL* variables work too. */
  endpointUrl?: string;
  /** Concurrent connections per service: one long-poll per shard, plus headroom. */
  maxSockets?: number;
}

/** Where the SDK's own warnings go (they would be written to stderr as they are, many lines each). */
export type SdkWarnings = (message: string) => void;

export interface AwsClients {
  rds: RDSClient;
  kinesis: KinesisClient;
  kms: KMSClient;
  destroy(): void;
}

/** Static credentials: only ever the local lab's, which accepts any. */
export interface LabCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** SDK clients for a read: credentials from the default chain, or the named profile. */
export function createAwsClients(options: AwsOptions, warnings?: SdkWarnings): AwsClients {
  return clientsFor(options, warnings);
}

/** As createAwsClients; `labCredentials` is for the demo, which talks to the lab in-process. Not in the library API. */
export function clientsFor(options: AwsOptions, warnings?: SdkWarnings, labCredentials?: LabCredentials): AwsClients {
  const maxSockets = options.maxSockets ?? 64;
  // One HTTP/1.1 handler for all: the Kinesis client would otherwise speak HTTP/2, which
  // local servers (and some proxies) refuse with "Protocol error". Real AWS accepts both.
  const requestHandler = new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    connectionTimeout: 10_000,
    requestTimeout: 60_000,
  });
  const common = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(labCredentials ? { credentials: labCredentials } : {}),
    requestHandler,
    // One layer of retries, das-read's own (src/aws/retry.ts): said with --verbose, and bounded as documented.
    maxAttempts: 1,
    // The SDK logs requests and their answers (a data key's plaintext among them) at info: those go nowhere.
    logger: { trace() {}, debug() {}, info() {}, error() {}, warn: (message: unknown) => warnings?.(String(message)) },
  };
  const rds = new RDSClient(common);
  askAccountAs(rds, common);
  const kinesis = new KinesisClient(common);
  const kms = new KMSClient(common);
  return {
    rds,
    kinesis,
    kms,
    destroy() {
      rds.destroy();
      kinesis.destroy();
      kms.destroy();
      requestHandler.destroy();
    },
  };
}
