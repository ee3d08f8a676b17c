import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import { formatStatus } from '../../src/commands/stream/stream-status.js';
import { heartbeatEvent, postgresEvent } from '../../lab/src/synthetic-events.js';
import { makeChalk } from '../../src/terminal/color.js';
import { Diagnostics } from '../../src/terminal/diagnostics.js';
import { formatNdjson } from '../../src/format/ndjson.js';
import { formatPretty } from '../../src/format/pretty.js';
import { visible } from '../../src/terminal/visible.js';
import { RecordError } from '../../src/errors.js';
import { activeCharacters, CLIENT_FIELDS, HOSTILE_PAYLOADS } from '../helpers/hostile.js';

const place = { shardId: 's', sequenceNumber: '1', version: '1.1', clusterId: 'cluster-A', instanceId: 'db-B' };
const record = DecodedActivityRecord.of(place, []);
const colours = [
  ['colour on', makeChalk(3)],
  ['colour off', makeChalk(0)],
] as const;

describe('visible()', () => {
  it.each([
    ['\u001b[2J', '\\e[2J'],
    ['\u0007', '\\x07'],
    ['\u202e', '\\u202e'],
    ['\u009b', '\\u009b'],
    ['a\u0000b', 'a\\0b'],
    ['\r\n\t', '\\r\\n\\t'],
    ['\u007f', '\\x7f'],
    ['plain SQL, café ✓ 🐘', 'plain SQL, café ✓ 🐘'],
  ])('shows %j as %j', (text, shown) => expect(visible(text)).toBe(shown));
});

describe('the pretty line of a hostile event', () => {
  for (const [colour, chalk] of colours) {
    for (const field of CLIENT_FIELDS) {
      it.each(HOSTILE_PAYLOADS)(`${colour}, in ${field}: %s is shown, not obeyed, on one line`, (_label, payload) => {
        // The object is shown when there is no statement.
        const line = formatPretty(postgresEvent(1, { ...(field === 'objectName' ? { commandText: null } : {}), [field]: payload }), record, chalk);
        expect(activeCharacters(line)).toEqual([]);
        expect(line.indexOf('\n')).toBe(line.length - 1);
        if (colour === 'colour off') expect(line).not.toContain('\u001b');
        // Something visibly was there.
        expect(line).toMatch(/\\(e|x[0-9a-f]{2}|u[0-9a-f]{4}|0|r|n|t)/);
      });
    }
    it.each(HOSTILE_PAYLOADS)(`${colour}, in a bind parameter: %s`, (_label, payload) => {
      const line = formatPretty(postgresEvent(1, { paramList: ['1', payload] }), record, chalk);
      expect(activeCharacters(line)).toEqual([]);
      expect(line.indexOf('\n')).toBe(line.length - 1);
    });
    it(`${colour}, a heartbeat's instance id`, () => {
      const line = formatPretty(heartbeatEvent('2026-01-01 00:00:00+00'), DecodedActivityRecord.of({ ...place, instanceId: 'db-\u001b[2J' }, []), chalk);
      expect(activeCharacters(line)).toEqual([]);
    });
  }

  it('ndjson stays exact JSON: the payload comes back byte for byte', () => {
    for (const [, payload] of HOSTILE_PAYLOADS) {
      const event = postgresEvent(1, { commandText: payload });
      const line = formatNdjson(DecodedActivityRecord.of(place, [event]), 0);
      expect((JSON.parse(line) as { commandText: string }).commandText).toBe(payload);
      expect(line.indexOf('\n')).toBe(line.length - 1);
    }
  });
});

describe('stderr and status quote content as data', () => {
  it.each(HOSTILE_PAYLOADS)("a skipped record's reason holding %s", (_label, payload) => {
    for (const [, chalk] of colours) {
      const stderr = new PassThrough();
      let text = '';
      stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const log = new Diagnostics(stderr, chalk, true);
      const error = new RecordError({ shardId: 's', sequenceNumber: '1' }, `the decrypted payload has type ${JSON.stringify(payload)}`);
      log.warn(`skipped: ${error.message}`);
      log.error(error);
      log.info(payload);
      expect(activeCharacters(text)).toEqual([]);
      expect(text.split('\n').filter(Boolean)).toHaveLength(3);
    }
  });

  it('status shows what RDS returned as data', () => {
    const [, payload] = HOSTILE_PAYLOADS[0] ?? ['', ''];
    const text = formatStatus(
      { kind: 'cluster', identifier: `prod${payload}`, engine: payload, status: 'started', streamName: payload, kmsKeyId: payload, resourceId: payload },
      false,
    );
    expect(activeCharacters(text)).toEqual([]);
  });
});
