// Makes the committed corpus, fuzz/corpus/<target>/, from real inputs: the AWS samples encrypted
// as RDS does by the lab's producer, archived as Firehose and das-read keep them, decoded by
// das-read into the lines it saves, and checkpoints written by das-read's own saveCheckpoint.
// Run again only to change the corpus: `npx tsx fuzz/make-corpus.ts`.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { EncryptCommand } from '@aws-sdk/client-kms';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { CommitmentPolicy } from '@aws-crypto/material-management-node';
import { startLab } from '../lab/src/lab.js';
import { DasRecordProducer, SIGNED_SUITE, UNSIGNED_SUITE, rdsEncryptionContext } from '../lab/src/producer.js';
import { loadSamples } from '../test/helpers/samples.js';
import { createDecoder } from '../src/decode/decoder.js';
import { dasKeyring } from '../src/decode/open-payload.js';
import { formatNdjson } from '../src/format/ndjson.js';
import { deadLetterOf } from '../src/sinks/dead-letter.js';
import { saveCheckpoint, type CheckpointState } from '../src/checkpoint/checkpoint-file.js';
import { FUZZ_DATA_KEY } from './targets/record.js';
import { reportStateCorpus } from './targets/report-state.js';

const CORPUS = fileURLToPath(new URL('./corpus/', import.meta.url));
const folder = (target: string) => {
  const dir = join(CORPUS, target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
};

const samples = loadSamples();
const lab = await startLab({ nodePath: process.execPath });
try {
  const database = lab.rds.addDatabase('cluster', 'fuzz-corpus', 'aurora-postgresql', '15.4');
  const keyId = lab.kms.createKey('the fuzz corpus key').keyId;
  const producer = new DasRecordProducer({ kms: lab.clients.kms, kmsKeyId: keyId, resourceId: database.resourceId });
  const records = await Promise.all(samples.map((sample) => producer.encode(sample.record, sample.version)));

  // archive: Firehose's raw delivery (records back to back, or a line each), its processing-failed records, das-read's dead letters.
  const archive = folder('archive');
  writeFileSync(join(archive, 'firehose-back-to-back.bin'), Buffer.concat(records));
  writeFileSync(join(archive, 'firehose-lines.bin'), Buffer.concat(records.flatMap((data) => [data, Buffer.from('\n')])));
  const arrival = Date.UTC(2026, 11, 1);
  writeFileSync(
    join(archive, 'processing-failed.ndjson'),
    records
      .slice(0, 4)
      .map(
        (data, index) =>
          JSON.stringify({
            attemptsMade: 4,
            arrivalTimestamp: arrival + index,
            errorCode: 'Lambda.FunctionError',
            errorMessage: 'timed out',
            attemptEndingTimestamp: arrival + 60_000,
            rawData: data.toString('base64'),
            lambdaArn: 'arn:aws:lambda:us-east-1:000000000000:function:das-read',
          }) + '\n',
      )
      .join(''),
  );
  writeFileSync(
    join(archive, 'dead-letters.ndjson'),
    records
      .slice(4, 8)
      .map(
        (data, index) =>
          JSON.stringify(
            deadLetterOf(
              {
                shardId: 'shardId-000000000000',
                sequenceNumber: `4963${index}000000000000000000000000000000000000000000000000${index}`,
                data,
                arrivalTime: new Date(arrival),
              },
              'the payload cannot be decrypted',
            ),
          ) + '\n',
      )
      .join(''),
  );

  // lines: the ndjson das-read writes for those records, decoded by das-read from the lab's KMS.
  const decoder = createDecoder({ kms: lab.clients.kms, resourceId: database.resourceId, threads: 0 });
  const lines = folder('lines');
  const byEngine = new Map<string, string[]>();
  for (const [index, data] of records.entries()) {
    const decoded = await decoder.decode({ shardId: 'shardId-000000000000', sequenceNumber: `49630${index}`, data });
    const engine = samples[index]?.file.slice(0, 3) ?? 'other';
    for (let event = 0; event < decoded.eventCount; event++) byEngine.set(engine, [...(byEngine.get(engine) ?? []), formatNdjson(decoded, event)]);
  }
  await decoder.close();
  for (const [engine, text] of byEngine) writeFileSync(join(lines, `${engine}.ndjson`), text.join(''));

  // record: the same samples under the fixed test data key (its "key" field that key wrapped by the lab's KMS),
  // unsigned and signed, in one frame and in many.
  const record = folder('record');
  const wrapped = await lab.clients.kms.send(
    new EncryptCommand({ KeyId: keyId, Plaintext: FUZZ_DATA_KEY, EncryptionContext: rdsEncryptionContext(database.resourceId) }),
  );
  const keyText = Buffer.from(wrapped.CiphertextBlob ?? new Uint8Array()).toString('base64');
  const { encrypt } = buildEncrypt(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
  const keyring = dasKeyring(FUZZ_DATA_KEY);
  const ways = [
    { name: 'unsigned', suiteId: UNSIGNED_SUITE, frameLength: 4096 },
    { name: 'signed', suiteId: SIGNED_SUITE, frameLength: 4096 },
    { name: 'frames', suiteId: UNSIGNED_SUITE, frameLength: 128 },
  ];
  for (const [index, sample] of samples.entries()) {
    const way = ways[index % ways.length] as (typeof ways)[number];
    const { result } = await encrypt(keyring, gzipSync(JSON.stringify(sample.record)), {
      suiteId: way.suiteId,
      frameLength: way.frameLength,
      encryptionContext: {},
    });
    const wrapper = { type: 'DatabaseActivityMonitoringRecords', version: sample.version, databaseActivityEvents: result.toString('base64'), key: keyText };
    writeFileSync(join(record, `${sample.file.replace(/\.json$/, '')}-${way.name}.json`), JSON.stringify(wrapper));
  }
} finally {
  await lab.close();
}

// checkpoint: as das-read saves them, for one stream and its shards at the stages a run leaves them.
const checkpoint = folder('checkpoint');
const base: CheckpointState = {
  version: 1,
  streamName: 'aws-rds-das-cluster-FUZZCORPUS',
  resourceId: 'cluster-FUZZCORPUS',
  start: { type: 'TRIM_HORIZON' },
  savedAt: '2026-12-07T02:00:00.000Z',
  shards: {},
};
const states: Record<string, CheckpointState> = {
  'first-run.json': {
    ...base,
    shards: { 'shardId-000000000000': { sequenceNumber: '49630000000000000000000000000000000000000000000000000002', arrivedAt: '2026-12-07T01:59:58.000Z' } },
  },
  'resharded.json': {
    ...base,
    stream: { arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/aws-rds-das-cluster-FUZZCORPUS', createdAt: '2026-12-01T00:00:00.000Z' },
    start: { type: 'AT_TIMESTAMP', timestamp: '2026-12-06T00:00:00.000Z' },
    shards: {
      'shardId-000000000000': {
        sequenceNumber: '49630000000000000000000000000000000000000000000000000002',
        arrivedAt: '2026-12-06T10:00:00.000Z',
        finished: true,
      },
      'shardId-000000000001': {
        sequenceNumber: '49630000000000000000000000000000000000000000000000001234',
        arrivedAt: '2026-12-07T01:59:58.000Z',
        eventIndex: 3,
      },
      'shardId-000000000002': {},
    },
  },
  'no-shards-yet.json': base,
};
for (const [file, state] of Object.entries(states)) await saveCheckpoint(join(checkpoint, file), state);

// report-state: states as ReportBuilder saves them, one empty and one with every part filled.
const reportStates = folder('report-state');
for (const [file, text] of Object.entries(await reportStateCorpus())) writeFileSync(join(reportStates, file), `${text}\n`);
