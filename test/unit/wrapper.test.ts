import { describe, expect, it } from 'vitest';
import { parseWrapper } from '../../src/decode/wrapper.js';
import { decodeBase64Strict } from '../../src/decode/base64.js';
import { openActivityRecord } from '../../src/decode/activity-record.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import { encryptionContextFor } from '../../src/decode/encryption-context.js';

const wrapper = (fields: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ type: 'DatabaseActivityMonitoringRecords', version: '1.1', key: 'AQIDAA==', databaseActivityEvents: 'AAAA', ...fields }));

describe('the record wrapper', () => {
  it('decodes both base64 fields', () => {
    const parsed = parseWrapper(wrapper({}));
    expect([...parsed.key]).toEqual([1, 2, 3, 0]);
    expect(parsed.version).toBe('1.1');
  });
  it.each(['1.0', '1.1', '1.2', '1.3', '1.4', '1.17'])('accepts version %s', (version) => expect(parseWrapper(wrapper({ version })).version).toBe(version));
  it('ignores fields it does not know', () => expect(() => parseWrapper(wrapper({ somethingNew: 1 }))).not.toThrow());
  it('refuses version 2', () => expect(() => parseWrapper(wrapper({ version: '2.0' }))).toThrow(/unsupported record version/));
  it('refuses a number as version', () => expect(() => parseWrapper(wrapper({ version: 1.1 }))).toThrow(/unsupported record version 1.1/));
  it('refuses another type', () => expect(() => parseWrapper(wrapper({ type: 'Other' }))).toThrow(/not an activity stream record/));
  it('names a type or version by its kind, never quoting it: nested 20,000 deep, or a secret', () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    // The field comes last: of two with one name, JSON.parse keeps the last.
    const data = (field: string) => Buffer.from(`{"type":"DatabaseActivityMonitoringRecords","version":"1.2","key":"","databaseActivityEvents":"",${field}}`);
    expect(() => parseWrapper(data(`"type":${deep}`))).toThrow(/not an activity stream record \(type an array\)$/);
    expect(() => parseWrapper(data(`"version":{"a":${deep}}`))).toThrow(/unsupported record version an object /);
    // Whoever writes the stream chose them: named by kind, never quoted (a version that looks like one excepted).
    expect(() => parseWrapper(data(`"type":"hunter2 is the password"`))).toThrow(/\(type a string of 23 characters\)$/);
    expect(() => parseWrapper(data(`"version":"hunter2_v"`))).toThrow(/^unsupported record version a string of 9 characters /);
    expect(() => parseWrapper(data(`"version":"2.0"`))).toThrow(/^unsupported record version "2.0" /);
  });
  it('refuses a JSON array', () => expect(() => parseWrapper(Buffer.from('[1]'))).toThrow(/not a JSON object/));
  it('refuses non-JSON', () => expect(() => parseWrapper(Buffer.from('{"type":'))).toThrow(/not JSON/));
  it('refuses a missing payload', () => expect(() => parseWrapper(wrapper({ databaseActivityEvents: null }))).toThrow(/no "databaseActivityEvents" field/));
  it('refuses a key that is not a string', () => expect(() => parseWrapper(wrapper({ key: 5 }))).toThrow(/"key" field is not a string/));
  it('reads a view into a larger buffer', () => {
    const big = Buffer.concat([Buffer.from('xxxx'), wrapper({})]);
    expect(parseWrapper(big.subarray(4)).version).toBe('1.1');
  });
});

describe('strict base64', () => {
  it.each(['AQIDAA==', 'AQID', 'AQIDBA=='])('accepts %s', (text) => expect(decodeBase64Strict(text)).toBeDefined());
  it.each(['', 'AQI', 'AQ*D', 'AQIDAA=', 'AQID\n', 'not base64!', 'AQ=D', 'AQ=A', 'A===', '====', 'AQ==AQID', 'AQ-_', 'AQ\u00e9D'])('refuses %j', (text) =>
    expect(decodeBase64Strict(text)).toBeUndefined(),
  );
  it('accepts exactly what the pattern of whole quads accepts', () => {
    const quads = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
    const alphabet = 'AQz09+/=-_ *';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 20_000; n++) {
      const text = Array.from({ length: next() % 13 }, () => alphabet[next() % alphabet.length]).join('');
      expect(decodeBase64Strict(text) !== undefined, JSON.stringify(text)).toBe(text.length > 0 && quads.test(text));
    }
  });
});

describe('the decrypted record', () => {
  it('keeps unknown fields, type drift and field order, each event as its own JSON', () => {
    const record = openActivityRecord(
      JSON.stringify({
        type: 'DatabaseActivityMonitoringRecord',
        clusterId: 'cluster-A',
        databaseActivityEventList: [{ type: 'record', exitCode: '0', brandNew: true }],
      }),
    );
    const json = '{"type":"record","exitCode":"0","brandNew":true}';
    expect(record).toEqual({ clusterId: 'cluster-A', instanceId: null, text: Buffer.from(json), ends: [json.length], heartbeats: [], ownIds: [] });
  });
  it('ends each event at its byte, not its character, in a buffer of its own that a thread can hand over', () => {
    const events = [{ type: 'record', commandText: "select 'café ✓ 🐘'" }, {}, { type: 'record', commandText: 'a\u0000b\ud800' }, { type: 'heartbeat' }];
    const opened = openActivityRecord(JSON.stringify({ type: 'DatabaseActivityMonitoringRecord', databaseActivityEventList: events }));
    const texts = events.map((event) => JSON.stringify(event));
    expect(opened.ends).toEqual(texts.map((_, index) => Buffer.byteLength(texts.slice(0, index + 1).join(''))));
    expect(Buffer.from(opened.text).toString('utf8')).toBe(texts.join(''));
    expect(opened.text.byteOffset).toBe(0);
    expect(opened.text.buffer.byteLength).toBe(opened.text.byteLength);
    const record = new DecodedActivityRecord({ shardId: 's', sequenceNumber: '1' }, '1.3', opened);
    expect(events.map((_, index) => record.eventJson(index))).toEqual(texts);
    expect(events.map((_, index) => Buffer.from(record.eventBytes(index)).toString('utf8'))).toEqual(texts);
    expect(record.events).toEqual(events);
    for (const missing of [-1, 4, 1.5]) expect(() => record.eventJson(missing)).toThrow(RangeError);
  });
  it('a record without events holds no text', () => {
    const opened = openActivityRecord('{"type":"DatabaseActivityMonitoringRecord","databaseActivityEventList":[]}');
    expect([opened.text.byteLength, opened.ends]).toEqual([0, []]);
  });
  it('knows its heartbeats', () =>
    expect(
      openActivityRecord('{"type":"DatabaseActivityMonitoringRecord","databaseActivityEventList":[{"type":"record"},{"type":"heartbeat"}]}').heartbeats,
    ).toEqual([1]));
  it('knows the events that carry a field named as one ndjson adds, by name and not by text', () =>
    expect(
      openActivityRecord(
        '{"type":"DatabaseActivityMonitoringRecord","databaseActivityEventList":[{"type":"record","eventId":1},{"commandText":"select \\"clusterId\\""},{"instanceId":null},{"clusterId":"x"}]}',
      ).ownIds,
    ).toEqual([0, 2, 3]));
  it('refuses an event that is not an object', () =>
    expect(() => openActivityRecord('{"type":"DatabaseActivityMonitoringRecord","databaseActivityEventList":[1]}')).toThrow(/not a JSON object/));
  it('refuses the wrapper type in place of the record type', () =>
    expect(() => openActivityRecord('{"type":"DatabaseActivityMonitoringRecords","databaseActivityEventList":[]}')).toThrow(/has type/));
  it('refuses a record without its event list', () =>
    expect(() => openActivityRecord('{"type":"DatabaseActivityMonitoringRecord"}')).toThrow(/no databaseActivityEventList/));
  it('refuses non-JSON', () => expect(() => openActivityRecord('{"type"')).toThrow(/not JSON/));
});

describe('encryption context', () => {
  it('a cluster', () => expect(encryptionContextFor('cluster-ABC')).toEqual({ 'aws:rds:dbc-id': 'cluster-ABC' }));
  it('an instance', () => expect(encryptionContextFor('db-ABC')).toEqual({ 'aws:rds:db-id': 'db-ABC' }));
  it('anything else is refused', () => expect(() => encryptionContextFor('ABC')).toThrow(/not an RDS resource id/));
});
