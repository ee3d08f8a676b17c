import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventLineKind, firstLineKind } from '../../src/saved/event-lines.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';

const input = (chunks: Iterable<Buffer> | AsyncIterable<Buffer>) => ({ name: 'standard input', open: () => Readable.from(chunks) });

describe('telling events from the records decode reads', () => {
  it("an event das-read wrote, an event another tool decrypted, and a record's wrapper, each for what it is", () => {
    expect(eventLineKind(JSON.stringify({ eventId: 'shard:1:0', ...postgresEvent(1) }))).toBe('das-read');
    expect(eventLineKind(JSON.stringify(postgresEvent(1)))).toBe('decrypted');
    expect(eventLineKind('{"type":"DatabaseActivityMonitoringRecords","version":"1.1","databaseActivityEvents":"AAAA","key":"AAAA"}')).toBeUndefined();
    expect(eventLineKind('{"type":"DatabaseActivityMonitoringRecord","clusterId":"","databaseActivityEventList":[]}')).toBeUndefined();
  });

  it('an object holding what a record, a dead letter or a Firehose error record holds is never taken for a decrypted event', () => {
    const recordKey = fc.constantFrom('databaseActivityEvents', 'key', 'rawData', 'data', 'databaseActivityEventList');
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), recordKey, fc.jsonValue(), (fields, key, value) => {
        const line = JSON.stringify({ ...fields, [key]: value });
        expect(eventLineKind(line)).not.toBe('decrypted');
      }),
    );
  });

  it('any text at all is judged without an exception', () => {
    fc.assert(fc.property(fc.string(), (text) => [undefined, 'das-read', 'decrypted'].includes(eventLineKind(text))));
  });
});

describe("the first line of decode's input", () => {
  it("is read past blank lines, gzip'd or not, whatever the chunks", async () => {
    const text = `\n  \n${JSON.stringify({ eventId: 'x', type: 'record' })}\n{"not":"read"}\n`;
    const bytes = Buffer.from(text);
    expect(await firstLineKind(input([bytes]), 1024)).toBe('das-read');
    expect(await firstLineKind(input([...bytes].map((byte) => Buffer.from([byte]))), 1024)).toBe('das-read');
    expect(await firstLineKind(input([gzipSync(bytes)]), 1024)).toBe('das-read');
    expect(await firstLineKind(input([Buffer.from(JSON.stringify(postgresEvent(3)))]), 1024)).toBe('decrypted');
    expect(await firstLineKind(input([]), 1024)).toBeUndefined();
  });

  it('an input with no newline is read no further than the bound: an endless one ends the look', async () => {
    let pulled = 0;
    const endless = (async function* () {
      for (;;) {
        pulled++;
        yield Buffer.alloc(4096, 0x7b);
      }
    })();
    expect(await firstLineKind(input(endless), 64 * 1024)).toBeUndefined();
    expect(pulled).toBeLessThan(64);
  });

  it('an input that cannot be read is no event, left for decode to report', async () => {
    const failing = {
      name: 'gone',
      open: () =>
        new Readable({
          read() {
            this.destroy(new Error('ENOENT'));
          },
        }),
    };
    expect(await firstLineKind(failing, 1024)).toBeUndefined();
  });
});
