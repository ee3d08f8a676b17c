import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { LocalFirehose } from '../../lab/src/local-firehose.js';
import { LocalS3 } from '../../lab/src/local-s3.js';
import { startGateway, type Gateway } from '../../lab/src/gateway.js';
import { LocalKms } from '../../lab/src/local-kms.js';
import { LocalRds } from '../../lab/src/local-rds.js';
import { LocalSts } from '../../lab/src/local-sts.js';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

// The lab's KMS and RDS, spoken to by the real SDK clients over HTTP.
let gateway: Gateway;
let kms: KMSClient;
let rds: RDSClient;
let sts: STSClient;
const localRds = new LocalRds({ region: 'us-east-1', accountId: '000000000000' });

beforeAll(async () => {
  gateway = await startGateway({
    kms: new LocalKms({ region: 'us-east-1', accountId: '000000000000' }),
    rds: localRds,
    firehose: new LocalFirehose({ region: 'us-east-1', accountId: '000000000000' }),
    s3: new LocalS3(),
    sts: new LocalSts({ accountId: '000000000000' }),
    kinesisUrl: 'http://127.0.0.1:9',
  });
  kms = new KMSClient({ endpoint: gateway.url });
  rds = new RDSClient({ endpoint: gateway.url });
  sts = new STSClient({ endpoint: gateway.url, maxAttempts: 1 });
});
afterAll(async () => {
  kms?.destroy();
  rds?.destroy();
  sts?.destroy();
  await gateway?.close();
});

describe('lab KMS (JSON 1.1)', () => {
  it('binds the encryption context to the ciphertext', async () => {
    const key = (await kms.send(new CreateKeyCommand({ Description: 'das' }))).KeyMetadata;
    expect(key?.Arn).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\//);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/das-test', TargetKeyId: key?.KeyId }));
    const context = { 'aws:rds:dbc-id': 'cluster-ABC' };
    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/das-test', KeySpec: 'AES_256', EncryptionContext: context }));
    expect(dataKey.Plaintext).toHaveLength(32);
    expect([...(dataKey.CiphertextBlob ?? new Uint8Array()).subarray(0, 4)]).toEqual([1, 2, 3, 0]);

    const opened = await kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: context }));
    expect(Buffer.from(opened.Plaintext ?? []).equals(Buffer.from(dataKey.Plaintext ?? []))).toBe(true);
    expect(opened.KeyId).toBe(key?.Arn);

    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: { 'aws:rds:dbc-id': 'cluster-XYZ' } })),
    ).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
    });
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it('Encrypt and Decrypt round trip; a tampered blob is refused', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata;
    const sealed = await kms.send(new EncryptCommand({ KeyId: key?.Arn, Plaintext: Buffer.from('secret') }));
    const blob = Buffer.from(sealed.CiphertextBlob ?? []);
    expect(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext ?? []).toString()).toBe('secret');
    blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 1;
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: blob }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it('an unknown key is NotFoundException; a duplicate alias AlreadyExistsException', async () => {
    await expect(kms.send(new DescribeKeyCommand({ KeyId: 'alias/nothing' }))).rejects.toMatchObject({ name: 'NotFoundException' });
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/twice', TargetKeyId: key?.KeyId }));
    await expect(kms.send(new CreateAliasCommand({ AliasName: 'alias/twice', TargetKeyId: key?.KeyId }))).rejects.toMatchObject({
      name: 'AlreadyExistsException',
    });
  });
});

describe('lab STS (query protocol, XML)', () => {
  it("names the lab's account and the key that signed, and is not taken for RDS", async () => {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: '000000000000', Arn: 'arn:aws:iam::000000000000:user/lab', UserId: 'test' });
  });

  it('a failure comes back as the SDK reads STS errors', async () => {
    gateway.faults.add({ action: 'sts:GetCallerIdentity', kind: 'server-error', times: 1 });
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
  });
});

describe('lab RDS (query protocol, XML)', () => {
  it('describes clusters with their activity stream', async () => {
    const cluster = localRds.addDatabase('cluster', 'lab-pg', 'aurora-postgresql', '15.4');
    cluster.activityStream = {
      status: 'started',
      mode: 'async',
      kinesisStreamName: `aws-rds-das-${cluster.resourceId}`,
      kmsKeyId: 'arn:aws:kms:us-east-1:000000000000:key/k',
    };
    const [described] = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'lab-pg' }))).DBClusters ?? [];
    expect(described).toMatchObject({
      DBClusterIdentifier: 'lab-pg',
      DbClusterResourceId: cluster.resourceId,
      ActivityStreamStatus: 'started',
      ActivityStreamMode: 'async',
      ActivityStreamKinesisStreamName: `aws-rds-das-${cluster.resourceId}`,
      ActivityStreamKmsKeyId: 'arn:aws:kms:us-east-1:000000000000:key/k',
    });
    expect(cluster.resourceId).toMatch(/^cluster-[A-Z2-7]{26}$/);
    const byArn = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster.arn }));
    expect(byArn.DBClusters?.[0]?.DBClusterIdentifier).toBe('lab-pg');
    const all = await rds.send(new DescribeDBClustersCommand({}));
    expect(all.DBClusters?.map((c) => c.DBClusterIdentifier)).toContain('lab-pg');
  });

  it("describes instances; unknown ones are the SDK's own NotFound faults", async () => {
    const instance = localRds.addDatabase('instance', 'lab-ora', 'oracle-ee', '19');
    const [described] = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'lab-ora' }))).DBInstances ?? [];
    expect(described).toMatchObject({
      DBInstanceIdentifier: 'lab-ora',
      DbiResourceId: instance.resourceId,
      ActivityStreamStatus: 'stopped',
      ActivityStreamPolicyStatus: 'unlocked',
    });
    await expect(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' }))).rejects.toMatchObject({ name: 'DBInstanceNotFoundFault' });
    await expect(rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'nope' }))).rejects.toMatchObject({ name: 'DBClusterNotFoundFault' });
  });

  it('escapes what it puts in XML', async () => {
    localRds.addDatabase('cluster', 'a&b<c>', 'aurora-postgresql', '15.4');
    const [described] = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'a&b<c>' }))).DBClusters ?? [];
    expect(described?.DBClusterIdentifier).toBe('a&b<c>');
  });
});
