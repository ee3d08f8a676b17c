import { createCipheriv, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { KMSClient } from '@aws-sdk/client-kms';
import { DasRecordProducer, SIGNED_SUITE, UNSIGNED_SUITE } from '../lab/src/producer.js';
import { activityRecord, postgresEvent } from '../lab/src/synthetic-events.js';

export interface WorkloadSpec {
  records: number;
  eventsPerRecord: number;
  recordsPerDataKey: number;
  signed?: boolean;
}

export interface Workload {
  spec: WorkloadSpec;
  /** Kinesis record Data, made as RDS makes it. */
  data: Buffer[];
  /**
   * The same records for the floor: gzip'd JSON sealed with plain AES-256-GCM, and for a
   * signed workload each also signed with ECDSA P-384, verified with a key object made once.
   */
  floor: { key: Buffer; sealed: Array<{ iv: Buffer; body: Buffer; tag: Buffer; signature?: Buffer }>; verifyKey?: KeyObject };
  dataKeys: number;
  bytes: number;
}

/** Aurora PostgreSQL-style records, numbered so every event can be told apart; `made` sees each part of 500 as it is made. */
export async function makeWorkload(
  kms: KMSClient,
  kmsKeyId: string,
  resourceId: string,
  spec: WorkloadSpec,
  made?: (part: Buffer[]) => void,
): Promise<Workload> {
  const producer = new DasRecordProducer({
    kms,
    kmsKeyId,
    resourceId,
    recordsPerDataKey: spec.recordsPerDataKey,
    suite: spec.signed ? SIGNED_SUITE : UNSIGNED_SUITE,
  });
  const floorKey = randomBytes(32);
  const signer = spec.signed ? generateKeyPairSync('ec', { namedCurve: 'secp384r1' }) : undefined;
  const data: Buffer[] = [];
  const sealed: Workload['floor']['sealed'] = [];
  for (let r = 0; r < spec.records; r += 500) {
    // The same gzip'd bytes for das-read and the floor: the two decode the same payloads.
    const payloads = Array.from({ length: Math.min(500, spec.records - r) }, (_, i) =>
      gzipSync(
        JSON.stringify(
          activityRecord(
            resourceId,
            'db-BENCH',
            Array.from({ length: spec.eventsPerRecord }, (_, e) => postgresEvent((r + i) * spec.eventsPerRecord + e)),
          ),
        ),
      ),
    );
    const part = await Promise.all(payloads.map((payload) => producer.encodePayload(payload)));
    made?.(part);
    data.push(...part);
    for (const payload of payloads) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', floorKey, iv);
      const body = Buffer.concat([cipher.update(payload), cipher.final()]);
      const tag = cipher.getAuthTag();
      sealed.push({ iv, body, tag, signature: signer && sign('sha384', Buffer.concat([iv, body, tag]), signer.privateKey) });
    }
  }
  return {
    spec,
    data,
    floor: { key: floorKey, sealed, verifyKey: signer?.publicKey },
    dataKeys: producer.dataKeysGenerated,
    bytes: data.reduce((sum, d) => sum + d.length, 0),
  };
}
