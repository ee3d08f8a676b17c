import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { DecryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { CommitmentPolicy } from '@aws-crypto/material-management-node';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';
import { gunzipSync } from 'node:zlib';

/**
 * The original lab script's algorithm, ported faithfully: shards one after another,
 * GetRecords with Limit 10000 and a 0.1 s sleep per round, and for every record a KMS
 * Decrypt and a new keyring. The baseline das-read is measured against, never product code.
 */
export async function seedReader(
  kinesis: KinesisClient,
  kms: KMSClient,
  streamName: string,
  resourceId: string,
  budgetMs: number,
): Promise<{ events: number; seconds: number }> {
  const { decrypt } = buildDecrypt(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
  const started = performance.now();
  let events = 0;
  const description = await kinesis.send(new DescribeStreamCommand({ StreamName: streamName }));
  for (const shard of description.StreamDescription?.Shards ?? []) {
    let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' })))
      .ShardIterator;
    while (iterator) {
      const answer = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10000 }));
      for (const record of answer.Records ?? []) {
        const wrapper = JSON.parse(Buffer.from(record.Data ?? []).toString('utf8')) as { key: string; databaseActivityEvents: string };
        const key = await kms.send(
          new DecryptCommand({ CiphertextBlob: Buffer.from(wrapper.key, 'base64'), EncryptionContext: { 'aws:rds:dbc-id': resourceId } }),
        );
        const keyring = new RawAesKeyringNode({
          keyName: 'DataKey',
          keyNamespace: 'BC',
          unencryptedMasterKey: new Uint8Array(key.Plaintext ?? []),
          wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
        });
        const { plaintext } = await decrypt(keyring, Buffer.from(wrapper.databaseActivityEvents, 'base64'));
        const activity = JSON.parse(gunzipSync(plaintext).toString('utf8')) as { databaseActivityEventList: unknown[] };
        for (const event of activity.databaseActivityEventList) {
          JSON.stringify(event);
          events++;
        }
        if (performance.now() - started > budgetMs) return { events, seconds: (performance.now() - started) / 1000 };
      }
      if ((answer.Records ?? []).length === 0 && answer.MillisBehindLatest === 0) break;
      iterator = answer.NextShardIterator;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { events, seconds: (performance.now() - started) / 1000 };
}
