import { DeleteStreamCommand } from '@aws-sdk/client-kinesis';
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/run.js';
import { ExitCode, RecordError } from '../../src/errors.js';
import { createDecoder } from '../../src/decode/decoder.js';
import { decodeBatches } from '../../src/decode/decode-stage.js';
import { OpenerFailure } from '../../src/decode/payload-opener.js';
import { workerOpener } from '../../src/decode/worker-opener.js';
import { BatchWriter } from '../../src/write/batch-writer.js';
import { ndjsonFormatter } from '../../src/format/ndjson.js';
import { OutputWriter } from '../../src/sinks/writer.js';
import { Diagnostics } from '../../src/terminal/diagnostics.js';
import { makeChalk } from '../../src/terminal/color.js';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { memoryIO } from '../helpers/memory-io.js';
import { readOnce } from '../helpers/read-once.js';
import { putRaw, startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';
import { waitFor } from '../helpers/wait-for.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab();
});
afterAll(async () => {
  await lab?.close();
});

const read = (args: string[]) => readOnce(lab.endpoint, args);

function expectNoStack(stderr: string) {
  expect(stderr).not.toMatch(/\n\s+at /);
}

/** Wrapper JSON with one field replaced: how a record is broken on purpose. */
async function wrapperWith(stream: TestStream, change: (wrapper: Record<string, unknown>) => void): Promise<Buffer> {
  const wrapper = JSON.parse((await stream.producer.encode(activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(99)]))).toString()) as Record<
    string,
    unknown
  >;
  change(wrapper);
  return Buffer.from(JSON.stringify(wrapper));
}

describe('a record that cannot be read', () => {
  let counter = 0;
  /** Two good records, the bad one, one more good one, all on one shard. */
  async function streamWithPoison(poison: (stream: TestStream) => Promise<Uint8Array>) {
    const name = `poison-${++counter}`;
    const stream = await lab.activityStream({ name });
    const good = (n: number) => stream.producer.encode(activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(n)]));
    await putRaw(lab, stream.streamName, [await good(1), await good(2), await poison(stream), await good(3)]);
    return { name, ...(await read(['--cluster', name])) };
  }

  const cases: Array<[string, (stream: TestStream) => Promise<Uint8Array>, RegExp]> = [
    ['data that is not JSON', async () => Buffer.from('hello, not json'), /not JSON/],
    ['JSON that is not an activity record', async () => Buffer.from('{"type":"Something","version":"1.1"}'), /not an activity stream record/],
    ['a missing key field', (s) => wrapperWith(s, (w) => delete w.key), /no "key" field/],
    ['bad base64 in the key', (s) => wrapperWith(s, (w) => (w.key = '%%%not-base64%%%')), /"key" field is not valid base64/],
    ['bad base64 in the payload', (s) => wrapperWith(s, (w) => (w.databaseActivityEvents = 'AAAA*AAA')), /"databaseActivityEvents" field is not valid base64/],
    ['an unsupported version', (s) => wrapperWith(s, (w) => (w.version = '2.0')), /unsupported record version "2.0"/],
    [
      'a tampered payload',
      (s) =>
        wrapperWith(s, (w) => {
          const bytes = Buffer.from(String(w.databaseActivityEvents), 'base64');
          bytes[bytes.length - 40] = (bytes[bytes.length - 40] ?? 0) ^ 0xff;
          w.databaseActivityEvents = bytes.toString('base64');
        }),
      /payload cannot be decrypted/,
    ],
    [
      'a data key that KMS never made',
      (s) => wrapperWith(s, (w) => (w.key = Buffer.alloc(120, 7).toString('base64'))),
      /KMS cannot decrypt the record's data key/,
    ],
    [
      'truncated gzip',
      async (s) => {
        const gzip = gzipSync(JSON.stringify(activityRecord(s.database.resourceId, 'db-A', [postgresEvent(5)])));
        return s.producer.encodePayload(gzip.subarray(0, gzip.length - 12));
      },
      /not valid gzip/,
    ],
    [
      'a payload that is zlib, not gzip',
      async (s) => s.producer.encodePayload(Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
      /not valid gzip/,
    ],
    ['a decrypted payload that is not JSON', async (s) => s.producer.encodePayload(gzipSync('<xml/>')), /decrypted payload is not JSON/],
    [
      'invalid UTF-8 inside an event',
      async (s) =>
        s.producer.encodePayload(
          gzipSync(
            Buffer.concat([
              Buffer.from('{"type":"DatabaseActivityMonitoringRecord","databaseActivityEventList":[{"commandText":"SELECT \''),
              Buffer.from([0xc3, 0x28, 0xff]),
              Buffer.from('\'"}]}'),
            ]),
          ),
        ),
      /not valid UTF-8: das-read does not alter audit text/,
    ],
    [
      'a decompression bomb (1 MB of gzip, 70 MB inflated)',
      async (s) => s.producer.encodePayload(gzipSync(Buffer.alloc(70 * 1024 * 1024, 0x20), { level: 9 })),
      /inflates past 67108864 bytes \(--max-record-bytes\)/,
    ],
    [
      'a decrypted record without its event list',
      async (s) => s.producer.encodePayload(gzipSync(JSON.stringify({ type: 'DatabaseActivityMonitoringRecord' }))),
      /no databaseActivityEventList/,
    ],
  ];

  it.each(cases)('%s, opened on worker threads: the same reason', async (_label, poison, reason) => {
    const name = `threads-poison-${++counter}`;
    const stream = await lab.activityStream({ name });
    // A good record after it: a data key that fails alone would be the setup's fault (exit 1).
    await putRaw(lab, stream.streamName, [
      await poison(stream),
      await stream.producer.encode(activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1)])),
    ]);
    const io = memoryIO();
    const code = await run(['--cluster', name, '--endpoint-url', lab.endpoint, '--no-follow', '--threads', '2'], io);
    expect(code).toBe(ExitCode.unreadableRecord);
    expect(io.stderr.text).toMatch(reason);
  });

  it.each(cases)('%s: prints the records before it, names it and why, exits 3', async (_label, poison, reason) => {
    const { code, stdout, stderr } = await streamWithPoison(poison);
    expect(code).toBe(ExitCode.unreadableRecord);
    expect(stdout.map((line) => (JSON.parse(line) as { statementId: number }).statementId)).toEqual([1, 2]);
    expect(stderr).toMatch(/^das-read: error: cannot read record \d+ in shardId-000000000000: /);
    expect(stderr).toMatch(reason);
    expectNoStack(stderr);
  });
});

describe('wrong encryption context', () => {
  it('says which context KMS refused and points at --resource-id', async () => {
    const stream = await lab.activityStream({ name: 'context' });
    await stream.put([activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1)])]);
    const { code, stdout, stderr } = await read(['--stream-name', stream.streamName, '--resource-id', 'cluster-SOMEONEELSE']);
    // No record opens under that context: the setup, not a record (exit 1).
    expect(code).toBe(ExitCode.runtime);
    expect(stdout).toEqual([]);
    expect(stderr).toContain('encryption context aws:rds:dbc-id=cluster-SOMEONEELSE');
    expect(stderr).toContain('--resource-id');
    expectNoStack(stderr);
  });

  it('reads with --stream-name alone, the resource id taken from the name', async () => {
    const stream = await lab.activityStream({ name: 'by-stream-name' });
    await stream.put([activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(7)])]);
    const { code, stdout } = await read(['--stream-name', stream.streamName]);
    expect(code).toBe(0);
    expect(stdout).toHaveLength(1);
  });
});

describe('clear errors before reading', () => {
  it('a cluster that does not exist, named with the region and the account STS names', async () => {
    const { code, stderr } = await read(['--cluster', 'no-such-cluster', '--region', 'eu-west-3']);
    expect(code).toBe(ExitCode.runtime);
    expect(stderr).toContain('no DB cluster "no-such-cluster" in region eu-west-3 of account 000000000000');
    expect(stderr).toContain('--instance');
    expectNoStack(stderr);
  });

  it('a cluster that does not exist, named with the region alone when STS fails', async () => {
    lab.gateway.faults.add({ action: 'sts:GetCallerIdentity', kind: 'server-error' });
    try {
      const { code, stderr } = await read(['--cluster', 'no-such-cluster', '--region', 'eu-west-3']);
      expect(code).toBe(ExitCode.runtime);
      expect(lab.gateway.faults.served.get('sts:GetCallerIdentity server-error')).toBe(1);
      expect(stderr).toContain('no DB cluster "no-such-cluster" in region eu-west-3 of this account');
      expectNoStack(stderr);
    } finally {
      lab.gateway.faults.clear();
    }
  });

  it('a cluster that does not exist, named with the region alone when STS does not answer', async () => {
    // A server that takes the connection and never answers: the message must not wait for it.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    vi.stubEnv('AWS_ENDPOINT_URL_RDS', lab.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_STS', `http://127.0.0.1:${(silent.address() as AddressInfo).port}`);
    try {
      const io = memoryIO();
      const code = await run(['--cluster', 'no-such-cluster', '--no-follow'], io);
      expect(code).toBe(ExitCode.runtime);
      expect(io.stderr.text).toContain('no DB cluster "no-such-cluster" in region us-east-1 of this account');
    } finally {
      vi.unstubAllEnvs();
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('a read that finds its cluster asks STS nothing', async () => {
    const stream = await lab.activityStream({ name: 'no-sts-call' });
    await stream.put([activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1)])]);
    lab.gateway.faults.add({ action: 'sts:*', kind: 'server-error' });
    try {
      const { code, stdout } = await read(['--cluster', 'no-sts-call']);
      expect(code).toBe(0);
      expect(stdout).toHaveLength(1);
      expect(lab.gateway.faults.served.get('sts:* server-error')).toBeUndefined();
    } finally {
      lab.gateway.faults.clear();
    }
  });

  it('an instance that does not exist, named with the region and the account when the credentials carry it', async () => {
    vi.stubEnv('AWS_ACCOUNT_ID', '123456789012');
    try {
      const { code, stderr } = await read(['--instance', 'no-such-instance']);
      expect(code).toBe(ExitCode.runtime);
      expect(stderr).toContain('no DB instance "no-such-instance" in region us-east-1 of account 123456789012');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('an activity stream that is not started says how to start it', async () => {
    lab.rds.addDatabase('cluster', 'quiet-cluster', 'aurora-postgresql', '15.4');
    const { code, stderr } = await read(['--cluster', 'quiet-cluster']);
    expect(code).toBe(ExitCode.runtime);
    expect(stderr).toContain('activity stream of cluster quiet-cluster is stopped');
    expect(stderr).toContain('das-read start --cluster quiet-cluster --kms-key <key> --apply-immediately --wait');
    expect(stderr.indexOf('das-read start')).toBeLessThan(stderr.indexOf('aws rds start-activity-stream'));
    expect(stderr).toContain('aws rds start-activity-stream --resource-arn arn:aws:rds:us-east-1:000000000000:cluster:quiet-cluster');
  });

  it('a stream deleted while being followed says it no longer exists, not that access was refused', async () => {
    const stream = await lab.activityStream({ name: 'vanishing' });
    await stream.put([activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1)])]);
    const io = memoryIO();
    const running = run(['--cluster', 'vanishing', '--endpoint-url', lab.endpoint], io);
    await waitFor(() => io.stdout.lines().length >= 1, { what: 'the first event' });
    await lab.clients.kinesis.send(new DeleteStreamCommand({ StreamName: stream.streamName }));
    const code = await running;
    expect(code).toBe(ExitCode.runtime);
    // Deleting first (ResourceInUseException), then gone (ResourceNotFoundException): either is said as such.
    expect(io.stderr.text).toMatch(new RegExp(`the Kinesis stream ${stream.streamName} (no longer exists|is being deleted)`));
    expect(io.stderr.text).toContain('Was the activity stream stopped?');
    expect(io.stderr.text).not.toMatch(/refused|access denied/);
  });

  it('a cluster named by ARN', async () => {
    const stream = await lab.activityStream({ name: 'by-arn' });
    await stream.put([activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1)])]);
    const { code, stdout } = await read(['--cluster', stream.database.arn]);
    expect(code).toBe(0);
    expect(stdout).toHaveLength(1);
  });

  it('access denied names the permission that is missing', async () => {
    await lab.activityStream({ name: 'denied' });
    lab.gateway.denied.add('rds:DescribeDBClusters');
    try {
      const { code, stderr } = await read(['--cluster', 'denied']);
      expect(code).toBe(ExitCode.runtime);
      expect(stderr).toContain('access denied: rds:DescribeDBClusters');
      expect(stderr).toContain('--stream-name');
      expectNoStack(stderr);
    } finally {
      lab.gateway.denied.clear();
    }
  });

  it.each([
    ['kms:Decrypt', 'kms:Decrypt'],
    ['kinesis:GetRecords', 'kinesis:GetRecords'],
    ['kinesis:ListShards', 'kinesis:ListShards'],
  ])('access denied on %s stops the run with a message naming it', async (action, named) => {
    const name = `denied-${action.replace(':', '-').toLowerCase()}`;
    const stream = await lab.activityStream({ name });
    await stream.put([activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1)])]);
    lab.gateway.denied.add(action);
    try {
      const { code, stdout, stderr } = await read(['--cluster', name]);
      expect(code).toBe(ExitCode.runtime);
      expect(stdout).toEqual([]);
      expect(stderr).toContain(named);
      expectNoStack(stderr);
    } finally {
      lab.gateway.denied.clear();
    }
  });

  it('a stream that does not exist', async () => {
    const { code, stderr } = await read(['--stream-name', 'aws-rds-das-cluster-GONE']);
    expect(code).toBe(ExitCode.runtime);
    expect(stderr).toContain('the Kinesis stream aws-rds-das-cluster-GONE does not exist');
  });
});

describe('a decryption thread that dies', () => {
  it('is no fault of the records: under --on-error skip nothing is skipped or written, and the failure stops the read', async () => {
    const stream = await lab.activityStream({ name: 'dying-thread' });
    const data = await Promise.all([1, 2, 3].map((n) => stream.producer.encode(activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(n)]))));
    const decoder = createDecoder({
      kms: lab.clients.kms,
      resourceId: stream.database.resourceId,
      opener: workerOpener(1, { script: new URL('../fixtures/dying-workers/exits.js', import.meta.url) }),
    });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const written: Buffer[] = [];
    const warned: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => written.push(chunk));
    stderr.on('data', (chunk: Buffer) => warned.push(chunk));
    const writer = new BatchWriter({
      output: new OutputWriter(stdout),
      format: ndjsonFormatter,
      includeHeartbeats: false,
      onError: 'skip',
      log: new Diagnostics(stderr, makeChalk(0), false),
    });
    const records = data.map((bytes, i) => ({ shardId: 'shardId-000000000000', sequenceNumber: String(i + 1), data: bytes }));
    async function* oneBatch() {
      yield { shardId: 'shardId-000000000000', records, millisBehindLatest: 0, shardEnded: false };
    }
    try {
      const failure = await (async () => {
        for await (const batch of decodeBatches(oneBatch(), decoder)) await writer.write(batch);
      })().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OpenerFailure);
      expect(failure).not.toBeInstanceOf(RecordError);
      expect((failure as Error).message).toMatch(/a decryption thread stopped \(exit code 7\)/);
      expect({ skipped: writer.skipped, events: writer.events, written: Buffer.concat(written).length, warned: Buffer.concat(warned).toString() }).toEqual({
        skipped: 0,
        events: 0,
        written: 0,
        warned: '',
      });
    } finally {
      await decoder.close();
    }
  });
});

describe('--quiet', () => {
  it('says nothing on stderr but errors: a skipped record is skipped without a word', async () => {
    const stream = await lab.activityStream({ name: 'quiet-cluster' });
    const good = (n: number) => stream.producer.encode(activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(n)]));
    await putRaw(lab, stream.streamName, [await good(1), Buffer.from('not json'), await good(2)]);
    const loud = await read(['--cluster', 'quiet-cluster', '--on-error', 'skip', '--verbose']);
    expect(loud.stderr).toMatch(/warning: skipped/);
    const quiet = await read(['--cluster', 'quiet-cluster', '--on-error', 'skip', '--quiet']);
    expect(quiet).toMatchObject({ code: ExitCode.ok, stderr: '' });
    expect(quiet.stdout).toHaveLength(2);
    // An error is still said, and the run still fails as it would.
    const failed = await read(['--cluster', 'quiet-cluster', '--quiet']);
    expect(failed.code).toBe(ExitCode.unreadableRecord);
    expect(failed.stderr).toMatch(/^das-read: error: /);
  });

  it('and --verbose together are a usage error', async () => {
    const result = await read(['--cluster', 'quiet-cluster', '--quiet', '--verbose']);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain('--quiet and --verbose');
  });
});

describe('--redact, from the command line', () => {
  it('no bind value and no literal of the SQL reach stdout, in ndjson and pretty; --grep still sees the SQL as sent', async () => {
    const stream = await lab.activityStream({ name: 'redacted-cluster' });
    await stream.put([
      activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1, { commandText: "ALTER ROLE app PASSWORD 'hunter2'", paramList: ['card-4111'] })]),
    ]);
    for (const output of ['ndjson', 'pretty']) {
      const result = await read(['--cluster', 'redacted-cluster', '--redact', '-o', output, '--grep', 'hunter2']);
      expect(result.code).toBe(ExitCode.ok);
      expect(result.stdout).toHaveLength(1);
      expect(result.stdout.join('\n')).not.toMatch(/hunter2|card-4111/);
      expect(result.stdout.join('\n')).toContain('ALTER ROLE app PASSWORD ?');
    }
  });
});

describe('-o json', () => {
  it('each record whole and indented, with the events the filters kept', async () => {
    const stream = await lab.activityStream({ name: 'json-cluster' });
    const record = (from: number) =>
      activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(from, { dbUserName: 'alice' }), postgresEvent(from + 1, { dbUserName: 'bob' })]);
    await stream.put([record(0), record(2)]);
    const io = memoryIO();
    const code = await run(['--cluster', 'json-cluster', '--endpoint-url', lab.endpoint, '--no-follow', '-o', 'json', '--user', 'alice'], io);
    expect(code).toBe(ExitCode.ok);
    const documents = io.stdout.text
      .trim()
      .split(/\n(?=\{)/)
      .map((text) => JSON.parse(text) as { type: string; clusterId: string; databaseActivityEventList: Array<{ statementId: number }> });
    expect(documents.map((document) => document.databaseActivityEventList.map((event) => event.statementId))).toEqual([[0], [2]]);
    expect(documents[0]).toMatchObject({ type: 'DatabaseActivityMonitoringRecord', clusterId: stream.database.resourceId });
    expect(io.stdout.text).toContain('\n  "databaseActivityEventList": [\n');
  });
});

describe('--summary, from the command line', () => {
  it('a table on stderr at the end, even with --quiet; stdout holds the events alone', async () => {
    const stream = await lab.activityStream({ name: 'summary-cluster' });
    const records = [0, 3].map((from) =>
      activityRecord(stream.database.resourceId, 'db-A', [
        postgresEvent(from),
        postgresEvent(from + 1),
        postgresEvent(from + 2, { class: 'DDL', command: 'DROP TABLE', commandText: 'DROP TABLE t' }),
      ]),
    );
    await stream.put(records);
    const result = await read(['--cluster', 'summary-cluster', '--summary', '--quiet']);
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toHaveLength(6);
    expect(result.stderr).toContain('das-read summary: 6 events written from 2 records');
    expect(result.stderr).toContain('KMS called 1 time for 1 data key; 0 unreadable records skipped');
    expect(result.stderr).toMatch(/by class {4}READ 4 {2}DDL 2/);
    expect(result.stderr).toMatch(/ {8}2 {2}DROP TABLE t/);
  });

  it('on Ctrl-C while following, the table is still written, and the run ends 130', async () => {
    const io = memoryIO();
    const stop = new AbortController();
    const running = run(['--cluster', 'summary-cluster', '--endpoint-url', lab.endpoint, '--summary'], io, { signal: stop.signal });
    await waitFor(() => io.stdout.lines().length >= 6, { what: 'six events' });
    stop.abort('SIGINT');
    expect(await running).toBe(ExitCode.interrupted);
    expect(io.stderr.text).toContain('das-read summary: 6 events written');
  });
});

describe('plaintext data keys', () => {
  it('appear nowhere: not on stdout, not on stderr with --debug --verbose, not in the dead letter, not in any form', async () => {
    const { DecryptCommand } = await import('@aws-sdk/client-kms');
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const stream = await lab.activityStream({ name: 'keys-cluster' });
    const good = await stream.producer.encode(activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1)]));
    const tampered = await wrapperWith(stream, (w) => {
      const bytes = Buffer.from(String(w.databaseActivityEvents), 'base64');
      bytes[bytes.length - 40] = (bytes[bytes.length - 40] ?? 0) ^ 0xff;
      w.databaseActivityEvents = bytes.toString('base64');
    });
    await putRaw(lab, stream.streamName, [good, tampered, good]);
    // The data key, as KMS opens it for das-read: what must never be shown.
    const wrapped = Buffer.from((JSON.parse(good.toString()) as { key: string }).key, 'base64');
    const opened = await lab.clients.kms.send(
      new DecryptCommand({ CiphertextBlob: wrapped, EncryptionContext: { 'aws:rds:dbc-id': stream.database.resourceId } }),
    );
    const key = Buffer.from(opened.Plaintext ?? []);
    expect(key).toHaveLength(32);
    const spellings = [key.toString('base64'), key.toString('hex'), key.toString('base64url'), JSON.stringify([...key]).slice(1, -1), [...key].join(' ')];
    const dir = await scratchDir('das-read-keys-');
    const seen: string[] = [];
    for (const args of [['--on-error', 'skip', '--dead-letter', join(dir, 'dead.ndjson')], ['-o', 'json'], ['-o', 'pretty'], ['--summary'], []]) {
      const result = await read(['--cluster', 'keys-cluster', '--debug', '--verbose', ...args]);
      seen.push(result.stdout.join('\n'), result.stderr);
    }
    seen.push(await readFile(join(dir, 'dead.ndjson'), 'utf8'));
    expect(seen.join('\n')).toMatch(/payload cannot be decrypted/);
    for (const spelling of spellings) expect(seen.join('\n')).not.toContain(spelling);
  });
});
