import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { AlgorithmSuiteIdentifier, CommitmentPolicy } from '@aws-crypto/material-management-node';
import { dasKeyring } from '../../src/decode/open-payload.js';
import { workerOpener, type WorkerOpener } from '../../src/decode/worker-opener.js';
import { inThreadOpener, OpenerFailure } from '../../src/decode/payload-opener.js';
import type { DataKey } from '../../src/decode/data-keys.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import type { OpenedRecord } from '../../src/decode/activity-record.js';
import { activityRecord, heartbeatEvent, postgresEvent } from '../../lab/src/synthetic-events.js';

const { encrypt } = buildEncrypt(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
const keys: DataKey[] = Array.from({ length: 5 }, (_, i) => ({ id: `key-${i}`, bytes: new Uint8Array(randomBytes(32)) }));

/** Record n, sealed under key n % 5 as RDS seals a payload. */
async function sealed(n: number): Promise<{ key: DataKey; message: Uint8Array }> {
  const key = keys[n % keys.length] as DataKey;
  const events = n % 10 === 9 ? [heartbeatEvent('2026-01-01 00:00:00+00')] : [postgresEvent(n)];
  const payload = gzipSync(JSON.stringify(activityRecord('cluster-A', 'db-A', events)));
  const { result } = await encrypt(dasKeyring(key.bytes), payload, {
    suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256,
    encryptionContext: {},
  });
  return { key, message: result };
}

const dyingWorker = (name: string) => new URL(`../fixtures/dying-workers/${name}.js`, import.meta.url);

let opener: WorkerOpener | undefined;
afterEach(async () => {
  await opener?.close();
  opener = undefined;
});

describe('opening records on worker threads', () => {
  it('gives what the main thread gives, record by record, while keys come and go from threads that hold two', async () => {
    const records = await Promise.all(Array.from({ length: 200 }, (_, n) => sealed(n)));
    let idle = 0;
    opener = workerOpener(2, { keysPerThread: 2, backlogMs: 0, idleCoreMs: () => (idle += 1_000) });
    const inline = inThreadOpener();
    const [threaded, local] = await Promise.all([
      Promise.all(records.map(({ key, message }) => (opener as WorkerOpener).open(key, message))),
      Promise.all(records.map(({ key, message }) => inline.open(key, message))),
    ]);
    // The text as text: one side holds a Buffer, the other the Uint8Array a thread handed over.
    const readable = (opened: OpenedRecord) => ({ ...opened, text: Buffer.from(opened.text).toString('utf8') });
    expect(threaded.map(readable)).toEqual(local.map(readable));
    // The text a thread hands over whole arrives as the main thread's own, readable event by event.
    const third = new DecodedActivityRecord({ shardId: 'shardId-000000000000', sequenceNumber: '3' }, '1.3', threaded[3] as OpenedRecord);
    expect(third.events.map((event) => event.statementId)).toEqual([3]);
    expect(threaded[9]?.heartbeats).toEqual([0]);
  });

  it.each([
    { idleCores: 1, threads: 2 },
    { idleCores: 0.1, threads: 1 },
    { idleCores: NaN, threads: 2 },
  ])(
    'starts another thread once those running have stayed busy for a while, if a core sat idle or the machine does not tell (idle cores: $idleCores)',
    async ({ idleCores, threads }) => {
      const many = await Promise.all(Array.from({ length: 150 }, (_, n) => sealed(n)));
      let clock = 0;
      opener = workerOpener(2, { backlogMs: 1_000, now: () => clock, idleCoreMs: () => clock * idleCores });
      await Promise.all(many.map(({ key, message }) => (opener as WorkerOpener).open(key, message)));
      expect(opener.threads).toBe(1);
      const backlog = Promise.all(many.map(({ key, message }) => (opener as WorkerOpener).open(key, message)));
      await new Promise((resolve) => setImmediate(resolve));
      clock = 1_000;
      await backlog;
      expect(opener.threads).toBe(threads);
    },
  );

  it.each([
    { busyMs: 90, idleMs: 10, threads: 2 },
    { busyMs: 30, idleMs: 70, threads: 1 },
  ])('counts a thread busy by its share of the time with records in hand: $busyMs ms in every 100 → $threads threads', async ({ busyMs, idleMs, threads }) => {
    // A thread that decrypts faster than the reader hands it records runs dry for moments
    // between batches, even through a backlog; one following a quiet stream is idle most of the time.
    const many = await Promise.all(Array.from({ length: 150 }, (_, n) => sealed(n)));
    let clock = 0;
    opener = workerOpener(2, { backlogMs: 1_000, now: () => clock, idleCoreMs: () => clock });
    for (let round = 0; round < 15; round++) {
      const batch = Promise.all(many.map(({ key, message }) => (opener as WorkerOpener).open(key, message)));
      await new Promise((resolve) => setImmediate(resolve));
      clock += busyMs;
      await batch;
      clock += idleMs;
    }
    expect(opener.threads).toBe(threads);
  });

  it('refuses a tampered record with the reason, and opens the rest', async () => {
    const records = await Promise.all(Array.from({ length: 40 }, (_, n) => sealed(n)));
    const bad = records[17] as { message: Uint8Array };
    bad.message = Uint8Array.from(bad.message);
    bad.message[bad.message.length - 40] = (bad.message[bad.message.length - 40] ?? 0) ^ 0xff;
    opener = workerOpener(2);
    const settled = await Promise.allSettled(records.map(({ key, message }) => (opener as WorkerOpener).open(key, message)));
    expect(settled.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(39);
    expect(settled[17]).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/cannot be decrypted with the record's data key/) } });
  });

  it('leaves the caller its message and key intact', async () => {
    const { key, message } = await sealed(2);
    const before = [Buffer.from(key.bytes), Buffer.from(message)];
    opener = workerOpener(1);
    await opener.open(key, message);
    expect([Buffer.from(key.bytes), Buffer.from(message)]).toEqual(before);
  });

  it.each([
    { name: 'exits', reason: /a decryption thread stopped \(exit code 7\)/ },
    { name: 'throws', reason: /a decryption thread failed: a bug in the thread/ },
  ])('fails every record a thread held, and every later one, when the thread dies ($name), and still closes', async ({ name, reason }) => {
    const records = await Promise.all(Array.from({ length: 5 }, (_, n) => sealed(n)));
    opener = workerOpener(1, { script: dyingWorker(name) });
    const settled = await Promise.allSettled(records.map(({ key, message }) => (opener as WorkerOpener).open(key, message)));
    for (const outcome of settled) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(OpenerFailure);
      expect((outcome as PromiseRejectedResult).reason.message).toMatch(reason);
    }
    const first = records[0] as { key: DataKey; message: Uint8Array };
    await expect(opener.open(first.key, first.message)).rejects.toBeInstanceOf(OpenerFailure);
  });
});
