// @ts-check
// What any reader built on the Encryption SDK must do with a record it holds the data key
// of (decrypt-node's decrypt, gunzip, events to JSON), a few at once as das-read's threads
// did: the bench's SDK-only readers share it.
import { decryptWithSdk, openPlaintext } from '../src/decode/open-payload.js';

const CONCURRENCY = 4;

/**
 * Opens every job; resolves to the number of events.
 * @param {Map<string, import('@aws-crypto/raw-aes-keyring-node').RawAesKeyringNode>} keyrings
 * @param {Array<{ keyId: string, message: Uint8Array }>} jobs
 */
export async function openJobs(keyrings, jobs) {
  let next = 0;
  let events = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const job = /** @type {(typeof jobs)[number]} */ (jobs[next++]);
      const keyring = keyrings.get(job.keyId);
      if (!keyring) throw new Error(`no data key ${job.keyId} in this thread`);
      const opened = openPlaintext(await decryptWithSdk(keyring, job.message));
      events += opened.ends.length;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, lane));
  return events;
}
