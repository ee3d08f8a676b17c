import { S3Client } from '@aws-sdk/client-s3';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CREDENTIALS } from '../../lab/src/lab.js';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import type { KinesisBatchResponse } from '../../src/lambda/lambda-events.js';
import { lambdaRuntime } from '../../src/lambda/runtime.js';
import { duckRows } from '../helpers/duckdb.js';
import { kinesisEventOf } from '../helpers/lambda-events.js';
import { TextSink } from '../helpers/memory-io.js';
import { readOnce } from '../helpers/read-once.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
let s3: S3Client;
let dir: string;
const BUCKET = 'aws-security-data-lake-us-east-1-lab';
beforeAll(async () => {
  lab = await startTestLab();
  s3 = new S3Client({ endpoint: lab.endpoint, region: lab.region, credentials: LAB_CREDENTIALS, forcePathStyle: true });
  dir = await scratchDir('das-read-lake-lambda-');
}, 60_000);
afterAll(async () => {
  s3?.destroy();
  await lab?.close();
});

const instance = (env: Record<string, string>) => {
  const stderr = new TextSink();
  const handler = lambdaRuntime({ env, stdout: new TextSink(), stderr, kms: lab.clients.kms, s3 });
  return { handler: (event: unknown) => handler(event) as Promise<KinesisBatchResponse>, stderr };
};

describe('the Lambda into a Security Lake custom source', () => {
  it("puts each invocation's events as Parquet objects under ext/<source>/region=/accountId=/eventDay=, sorted by time, what -o ocsf holds", async () => {
    lab.s3.createBucket(BUCKET);
    const stream = await lab.activityStream({ name: 'lake-lambda' });
    await stream.put([
      activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(3), postgresEvent(1)]),
      activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(2), postgresEvent(9, { logTime: '2026-01-02 10:00:00.000+00' })]),
    ]);
    const event = await kinesisEventOf(lab, stream.streamName);
    const fn = instance({ SECURITY_LAKE_BUCKET: BUCKET, SECURITY_LAKE_SOURCE: 'rds-activity' });
    expect(await fn.handler(event)).toEqual({ batchItemFailures: [] });
    const objects = [...lab.s3.objects(BUCKET)].sort(([a], [b]) => a.localeCompare(b));
    expect(objects.map(([key]) => key.replace(/[^/]+\.parquet$/, 'FILE'))).toEqual([
      'ext/rds-activity/region=us-east-1/accountId=000000000000/eventDay=20260101/FILE',
      'ext/rds-activity/region=us-east-1/accountId=000000000000/eventDay=20260102/FILE',
    ]);
    const files = await Promise.all(
      objects.map(async ([key, data], index) => {
        const file = join(dir, `${index}.parquet`);
        await writeFile(file, data);
        return { key, file };
      }),
    );
    const rows = await duckRows(
      `SELECT metadata.uid AS uid, epoch_ms(time) AS time, query_info.query_string AS sql, unmapped['statementId'] AS id FROM read_parquet(['${files.map((f) => f.file).join("','")}'])`,
    );
    expect(rows.map((row) => Number(row.id))).toEqual([1, 2, 3, 9]);
    const cli = (await readOnce(lab.endpoint, ['--cluster', 'lake-lambda', '-o', 'ocsf'])).stdout.map(
      (line) => JSON.parse(line) as { metadata: { uid: string }; time: number; query_info: { query_string: string } },
    );
    const byUid = new Map(cli.map((item) => [item.metadata.uid, item]));
    for (const row of rows)
      expect({ time: Number(row.time), sql: row.sql }).toEqual({
        time: byUid.get(String(row.uid))?.time,
        sql: byUid.get(String(row.uid))?.query_info.query_string,
      });
  });

  it('a put S3 refuses fails the records whose events it held: Lambda retries them', async () => {
    const stream = await lab.activityStream({ name: 'lake-lambda-denied' });
    await stream.put([activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1)])]);
    const event = await kinesisEventOf(lab, stream.streamName);
    const fn = instance({ SECURITY_LAKE_BUCKET: 'no-such-bucket' });
    const answer = await fn.handler(event);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.kinesis.sequenceNumber }]);
    expect(fn.stderr.text).toMatch(/cannot put s3:\/\/no-such-bucket\/ext\/das-read\/.*NoSuchBucket/);
  });

  it('refuses a configuration that cannot be Security Lake', async () => {
    for (const [env, words] of [
      [{ SECURITY_LAKE_BUCKET: BUCKET, OUTPUT: 'ndjson' }, /Security Lake takes OCSF/],
      [{ SECURITY_LAKE_BUCKET: BUCKET, FIREHOSE_DELIVERY_STREAM: 'x' }, /deliver to one/],
      [{ SECURITY_LAKE_SOURCE: 'x' }, /goes with SECURITY_LAKE_BUCKET/],
    ] as const) {
      await expect(instance(env).handler({ Records: [] })).rejects.toThrow(words);
    }
  });
});
