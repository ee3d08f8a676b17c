import { CreateStreamCommand, DeleteStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { labClients, type LabClients } from './lab-clients.js';
import { startGateway, type Gateway } from './gateway.js';
import { startKinesisLocal, type KinesisLocal } from './kinesis-local.js';
import { LocalKms } from './local-kms.js';
import { LocalFirehose } from './local-firehose.js';
import { LocalS3 } from './local-s3.js';
import { LocalSecurityHub } from './local-securityhub.js';
import { LocalEventBridge } from './local-eventbridge.js';
import { LocalSts } from './local-sts.js';
import { activityStreamName, LocalRds, type LabDatabase } from './local-rds.js';

export const LAB_REGION = 'us-east-1';
export const LAB_ACCOUNT = '000000000000';
export { LAB_CREDENTIALS } from './lab-clients.js';

export interface LabOptions {
  nodePath: string;
  port?: number;
  kmsDelayMs?: number;
  /** How long an activity stream stays `starting` or `stopping`. */
  transitionMs?: number;
  /** Shards of each activity stream's Kinesis stream. */
  shardCount?: number;
}

/** Kinesis, KMS and RDS on loopback behind one endpoint, with the state to drive them. */
export interface Lab {
  endpoint: string;
  region: string;
  kms: LocalKms;
  rds: LocalRds;
  /** Firehose's Direct PUT, for the Lambda's delivery. */
  firehose: LocalFirehose;
  /** S3, for Security Lake's custom source objects. */
  s3: LocalS3;
  /** Security Hub's BatchImportFindings, for the findings of the Lambda's rules. */
  securityHub: LocalSecurityHub;
  /** EventBridge's PutEvents, the other place findings go. */
  eventBridge: LocalEventBridge;
  gateway: Gateway;
  /** SDK clients aimed at the lab. */
  clients: LabClients;
  /** Creates the Kinesis stream of a database's activity stream and marks it started. */
  startActivityStream(database: LabDatabase, kmsKeyId: string, shardCount?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startLab(options: LabOptions): Promise<Lab> {
  const kms = new LocalKms({ region: LAB_REGION, accountId: LAB_ACCOUNT, delayMs: options.kmsDelayMs ?? 0 });
  const firehose = new LocalFirehose({ region: LAB_REGION, accountId: LAB_ACCOUNT });
  const s3 = new LocalS3();
  const securityHub = new LocalSecurityHub({ region: LAB_REGION, accountId: LAB_ACCOUNT });
  const eventBridge = new LocalEventBridge({ region: LAB_REGION, accountId: LAB_ACCOUNT });
  const sts = new LocalSts({ accountId: LAB_ACCOUNT });
  // Filled in once the gateway is up: RDS makes and deletes Kinesis streams through it, as a client would.
  const kinesisOf: { client?: KinesisClient } = {};
  const rds = new LocalRds({
    region: LAB_REGION,
    accountId: LAB_ACCOUNT,
    transitionMs: options.transitionMs ?? 0,
    resolveKmsKey: (keyId) => kms.resolveKey(keyId).arn,
    streams: {
      async create(_database, streamName) {
        if (!kinesisOf.client) throw new Error('the lab is not up');
        await createStream(kinesisOf.client, streamName, options.shardCount ?? 1);
      },
      async delete(_database, streamName) {
        await kinesisOf.client?.send(new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }));
      },
    },
  });
  let kinesisLocal: KinesisLocal | undefined;
  let gateway: Gateway | undefined;
  try {
    kinesisLocal = await startKinesisLocal({ nodePath: options.nodePath, region: LAB_REGION, accountId: LAB_ACCOUNT });
    gateway = await startGateway({ kms, rds, firehose, s3, securityHub, eventBridge, sts, kinesisUrl: kinesisLocal.url, port: options.port });
  } catch (error) {
    await kinesisLocal?.stop();
    throw error;
  }
  const endpoint = gateway.url;
  const clients = labClients(endpoint, LAB_REGION);
  kinesisOf.client = clients.kinesis;
  const lab: Lab = {
    endpoint,
    region: LAB_REGION,
    kms,
    rds,
    firehose,
    s3,
    securityHub,
    eventBridge,
    gateway,
    clients,
    async startActivityStream(database, kmsKeyId, shardCount = 1) {
      const streamName = activityStreamName(database.resourceId);
      await createStream(clients.kinesis, streamName, shardCount);
      rds.markStarted(database, { status: 'started', mode: 'async', kinesisStreamName: streamName, kmsKeyId: kms.resolveKey(kmsKeyId).arn });
      return streamName;
    },
    async close() {
      await rds.settle();
      clients.destroy();
      await gateway?.close();
      await kinesisLocal?.stop();
    },
  };
  return lab;
}

async function createStream(kinesis: KinesisClient, streamName: string, shardCount: number): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  await waitForActive(kinesis, streamName);
}

export async function waitForActive(kinesis: KinesisClient, streamName: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (answer.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`stream ${streamName} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
