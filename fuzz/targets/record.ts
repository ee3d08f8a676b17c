// The record wrapper and payload path: a Kinesis record's Data → wrapper JSON → base64 → Encryption
// SDK message → gunzip → the activity record's events, as das-read's in-thread opener reads it.
// The data key is a fixed test key (KMS is not what is fuzzed); the corpus was encrypted under it.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { NodeAlgorithmSuite } from '@aws-crypto/material-management-node';
import { deserializeFactory } from '@aws-crypto/serialize';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { CommitmentPolicy } from '@aws-crypto/material-management-node';
import { parseWrapper } from '../../src/decode/wrapper.js';
import { decodeBase64Strict } from '../../src/decode/base64.js';
import { inThreadOpener } from '../../src/decode/payload-opener.js';
import { dasKeyring, decryptMessage } from '../../src/decode/open-payload.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import { invariant, type FuzzTarget } from '../target.js';

/** A test data key, the same in every run: a hash of a phrase, never a key of any stream. */
export const FUZZ_DATA_KEY = createHash('sha256').update('das-read fuzz: a fixed test data key, not a real one').digest();
/** As `--max-record-bytes 4194304`: a decompression bomb is met within a mutation's few MB. */
export const FUZZ_MAX_RECORD_BYTES = 4 * 1024 * 1024;

const keyring = dasKeyring(FUZZ_DATA_KEY);
const opener = inThreadOpener(4, FUZZ_MAX_RECORD_BYTES);
const { encrypt } = buildEncrypt(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
const deserialize = deserializeFactory((bytes: Uint8Array) => Buffer.from(bytes).toString('utf8'), NodeAlgorithmSuite);

/**
 * The reason of an expected refusal as an outcome: the parsers throw plain Errors whose message is the
 * reason. A stack overflow on a deeply nested event is one too: the decoder makes every error of the
 * opener the record's reason (asRecordError), and such a record is unreadable, not a crash.
 */
function refused(stage: string, error: unknown): string {
  if (error instanceof RangeError && error.message === 'Maximum call stack size exceeded') return `unreadable:${stage}: nested past the stack (RangeError)`;
  if (!(error instanceof Error) || error.constructor !== Error || error.message === '') throw error;
  return `unreadable:${stage}: ${error.message
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, '#')
    .slice(0, 110)}`;
}

const target: FuzzTarget = {
  dictionary: [
    '"type"',
    '"version"',
    '"key"',
    '"databaseActivityEvents"',
    '"DatabaseActivityMonitoringRecords"',
    '"DatabaseActivityMonitoringRecord"',
    '"databaseActivityEventList"',
    '"1.1"',
    '"heartbeat"',
    '"clusterId"',
    '"eventId"',
  ],
  layers: [
    {
      name: 'base64 text',
      async open(outer) {
        const fields = JSON.parse(Buffer.from(outer).toString('utf8')) as Record<string, unknown>;
        return typeof fields.databaseActivityEvents === 'string' ? Buffer.from(fields.databaseActivityEvents, 'latin1') : undefined;
      },
      async close(inner, outer) {
        const fields = JSON.parse(Buffer.from(outer).toString('utf8')) as Record<string, unknown>;
        return Buffer.from(JSON.stringify({ ...fields, databaseActivityEvents: Buffer.from(inner).toString('latin1') }));
      },
    },
    {
      name: 'Encryption SDK message',
      async open(outer) {
        return decodeBase64Strict(Buffer.from(outer).toString('latin1'));
      },
      async close(inner) {
        return Buffer.from(Buffer.from(inner).toString('base64'), 'latin1');
      },
    },
    {
      name: 'gzip',
      open: (outer) => decryptMessage(keyring, outer),
      async close(inner, outer) {
        // Encrypted again as the message it came from was: same suite, same frame length.
        const header = deserialize.deserializeMessageHeader(outer);
        if (!header) throw new Error('the corpus message has no header');
        // A huge payload in small frames would take the SDK seconds to make.
        const frameLength = inner.length > 256 * 1024 ? Math.max(header.messageHeader.frameLength, 64 * 1024) : header.messageHeader.frameLength;
        const { result } = await encrypt(keyring, inner, { suiteId: header.algorithmSuite.id, frameLength, encryptionContext: {} });
        return result;
      },
    },
    {
      name: 'activity record JSON',
      async open(outer) {
        return gunzipSync(outer);
      },
      async close(inner) {
        return gzipSync(inner);
      },
    },
  ],
  async run(input) {
    let wrapper;
    try {
      wrapper = parseWrapper(input);
    } catch (error) {
      return refused('wrapper', error);
    }
    let opened;
    try {
      opened = await opener.open({ id: 'fuzz', bytes: FUZZ_DATA_KEY }, wrapper.databaseActivityEvents);
    } catch (error) {
      return refused('payload', error);
    }
    const record = new DecodedActivityRecord({ shardId: 'shardId-000000000000', sequenceNumber: '1' }, wrapper.version, opened);
    // Every event the record holds is an object written again as JSON that reads back.
    for (let index = 0; index < record.eventCount; index++) {
      const event: unknown = JSON.parse(record.eventJson(index));
      invariant(
        typeof event === 'object' && event !== null && !Array.isArray(event),
        'an event reads back as no object',
        () => `event ${index} reads back as ${typeof event}`,
      );
    }
    return record.eventCount === 0 ? 'record (no events)' : 'record';
  },
};
export default target;
