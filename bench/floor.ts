import { createDecipheriv, verify } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Workload } from './workload.js';

/**
 * The floor: the least work any reader must do for these events, on one core —
 * AES-256-GCM, gunzip, JSON.parse, JSON.stringify of each event, and for a signed
 * workload one P-384 verification per record with a key object already parsed. Not a
 * reader: the baseline das-read's own decode path is measured against.
 */
export function floorEventsPerSecond(workload: Workload, minimumMs = 1_500): number {
  let events = 0;
  const started = performance.now();
  do {
    const { verifyKey } = workload.floor;
    for (const { iv, body, tag, signature } of workload.floor.sealed) {
      if (verifyKey && signature && !verify('sha384', Buffer.concat([iv, body, tag]), verifyKey, signature))
        throw new Error('the floor signature does not verify');
      const decipher = createDecipheriv('aes-256-gcm', workload.floor.key, iv);
      decipher.setAuthTag(tag);
      const record = JSON.parse(gunzipSync(Buffer.concat([decipher.update(body), decipher.final()])).toString('utf8')) as {
        databaseActivityEventList: unknown[];
      };
      for (const event of record.databaseActivityEventList) {
        JSON.stringify(event);
        events++;
      }
    }
  } while (performance.now() - started < minimumMs);
  return events / ((performance.now() - started) / 1000);
}
