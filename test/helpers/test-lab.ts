import { startLab, type Lab } from '../../src/lab/lab.js';
import { DasRecordProducer, type ProducerOptions } from '../../src/lab/producer.js';
import { putRecords } from '../../src/lab/put-records.js';
import type { LabDatabase } from '../../src/lab/local-rds.js';
import type { DasActivityRecord } from '../../src/decode/types.js';

export interface TestStream {
  database: LabDatabase;
  keyId: string;
  streamName: string;
  producer: DasRecordProducer;
  /** Encrypts the records as RDS would and puts them on the stream, in order. */
  put(records: DasActivityRecord[], partitionKey?: (index: number) => string): Promise<void>;
}

export interface TestLab extends Lab {
  /** A cluster (or instance) with a key and a started activity stream of `shards` shards. */
  activityStream(options: {
    name: string;
    kind?: LabDatabase['kind'];
    engine?: string;
    shards?: number;
    producer?: Partial<ProducerOptions>;
  }): Promise<TestStream>;
}

export async function startTestLab(): Promise<TestLab> {
  const lab = await startLab({ nodePath: process.execPath });
  return Object.assign(lab, {
    async activityStream(options: Parameters<TestLab['activityStream']>[0]): Promise<TestStream> {
      const kind = options.kind ?? 'cluster';
      const database = lab.rds.addDatabase(kind, options.name, options.engine ?? 'aurora-postgresql', '15.4');
      const keyId = lab.kms.createKey(`DAS key for ${options.name}`).keyId;
      const streamName = await lab.startActivityStream(database, keyId, options.shards ?? 1);
      const producer = new DasRecordProducer({ kms: lab.clients.kms, kmsKeyId: keyId, resourceId: database.resourceId, ...options.producer });
      return {
        database,
        keyId,
        streamName,
        producer,
        async put(records, partitionKey) {
          const data = await Promise.all(records.map((record) => producer.encode(record)));
          await putRecords(lab.clients.kinesis, streamName, data, partitionKey);
        },
      };
    },
  });
}
