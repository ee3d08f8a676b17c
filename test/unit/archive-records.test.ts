import { describe, expect, it } from 'vitest';
import { archiveRecords, type ArchiveItem } from '../../src/saved/archive-records.js';

async function items(content: Buffer, chunk: number, maxRecordBytes = 1 << 20): Promise<ArchiveItem[]> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < content.length; at += chunk) pieces.push(content.subarray(at, at + chunk));
  const found: ArchiveItem[] = [];
  for await (const item of archiveRecords(pieces, { name: 'f', gzipped: false, maxRecordBytes })) found.push(item);
  return found;
}

const summary = (found: ArchiveItem[]) =>
  found.map((item) => ({
    at: item.record.sequenceNumber,
    text: Buffer.from(item.record.data).toString('utf8'),
    ...(item.problem ? { problem: item.problem } : {}),
  }));

describe('archiveRecords cuts an archive into its JSON objects', () => {
  const objects = ['{"type":"x}y{"}', '{"type":"\\"}{\\\\"}', '{"rawData":{"d":[1,{"e":2}]}}', '{"type":"\\\\"}'];
  const content = Buffer.from(`${objects[0]}${objects[1]}\n\n${objects[2]}\r\n  ${objects[3]}`);

  it.each([1, 2, 3, 5, 7, 64, 4096])(
    'the same objects and offsets whatever the chunks (%i bytes): braces and escapes in strings do not count',
    async (chunk) => {
      const found = summary(await items(content, chunk));
      expect(found.map((item) => item.text)).toEqual(objects);
      expect(found.map((item) => Number(item.at))).toEqual(objects.map((object) => content.indexOf(object)));
      expect(found.every((item) => item.problem === undefined)).toBe(true);
    },
  );

  it('bytes between objects are one problem each, and the next object is still found', async () => {
    const found = summary(await items(Buffer.from('junk{"type":1} more junk }{"a":1}\n{"type":2}'), 3));
    expect(found).toEqual([
      { at: '0', text: 'junk', problem: '4 bytes that are no activity stream record: not a JSON object' },
      { at: '4', text: '{"type":1}' },
      { at: '15', text: 'more junk }{"a":1}', problem: '18 bytes that are no activity stream record: not a JSON object; an object that is no record' },
      { at: '34', text: '{"type":2}' },
    ]);
  });

  it('an object past the bound is reported, not held; the one after it is read', async () => {
    const found = summary(await items(Buffer.from(`{"big":"${'x'.repeat(5000)}"}{"type":1}`), 100, 1000));
    expect(found[0]?.problem).toBe('5010 bytes that are no activity stream record: a JSON object; longer than 1000 bytes, not kept');
    expect(found[0]?.text).toBe('');
    expect(found[1]).toEqual({ at: '5010', text: '{"type":1}' });
  });

  it('an empty archive has no records, and one of only whitespace neither', async () => {
    expect(await items(Buffer.alloc(0), 10)).toEqual([]);
    expect(await items(Buffer.from('\n\n  \r\n'), 2)).toEqual([]);
  });
});

/** Records shaped as RDS wraps them (the cutter reads no further than the envelope; the data here is not encrypted). */
const wrapper = (n: number, size = 60) =>
  Buffer.from(
    JSON.stringify({
      type: 'DatabaseActivityMonitoringRecords',
      version: '1.1',
      databaseActivityEvents: Buffer.alloc(size, n).toString('base64'),
      key: Buffer.from(`key ${n}`).toString('base64'),
    }),
  );

describe('a record cut short costs only itself', () => {
  const records = Array.from({ length: 5 }, (_, n) => wrapper(n));

  it.each(['', '\n', '\r\n'])(
    'cut at every byte, the next glued on (separator %j): every other record read whole, the cut one reported from its first byte to the last before the next',
    async (separator) => {
      const whole = records[2] as Buffer;
      for (let cut = 1; cut < whole.length; cut++) {
        const kept = [records[0], records[1], whole.subarray(0, cut), records[3], records[4]] as Buffer[];
        const content = Buffer.from(kept.map((bytes) => bytes.toString('latin1')).join(separator), 'latin1');
        const at = (n: number) => kept.slice(0, n).reduce((sum, bytes) => sum + bytes.length + separator.length, 0);
        for (const chunk of [1, 7, 4096]) {
          const found = summary(await items(content, chunk));
          const where = `cut ${cut}, chunks of ${chunk}`;
          expect(
            found.filter((item) => !item.problem).map((item) => [item.at, item.text]),
            where,
          ).toEqual([0, 1, 3, 4].map((n) => [String(at(n)), records[n]?.toString()]));
          const damaged = found.filter((item) => item.problem);
          expect(
            damaged.map((item) => item.at),
            where,
          ).toEqual([String(at(2))]);
          expect(damaged[0]?.text, where).toBe(whole.subarray(0, cut).toString('latin1') + separator);
        }
      }
    },
  );

  it('the place names the first and last byte of the span, and why', async () => {
    const content = Buffer.concat([records[0] as Buffer, (records[1] as Buffer).subarray(0, 40), records[2] as Buffer]);
    const found: ArchiveItem[] = [];
    for await (const item of archiveRecords([content], { name: 'das.gz', gzipped: true, maxRecordBytes: 1 << 20 })) found.push(item);
    const start = (records[0] as Buffer).length;
    expect(found.map((item) => item.problem)).toEqual([
      undefined,
      '40 bytes that are no activity stream record: a record cut short where the next one begins',
      undefined,
    ]);
    expect(found[1]?.record.place).toBe(`bytes ${start} to ${start + 39} of das.gz (gunzipped)`);
  });

  it('a run of bytes with braces, quotes and escapes in it, however long, is one span kept whole, and the records around it are read', async () => {
    const garbage = Buffer.from('x{"a\\"{{ } "}} \n {"b":"\\\\{"\n'.repeat(2000));
    const content = Buffer.concat([records[0] as Buffer, garbage, records[1] as Buffer]);
    const found = await items(content, 4096);
    expect(found.map((item) => item.problem === undefined)).toEqual([true, false, true]);
    expect(Buffer.from(found[1]?.record.data ?? [])).toEqual(garbage);
    expect(found[1]?.record.place).toBe(`bytes ${(records[0] as Buffer).length} to ${(records[0] as Buffer).length + garbage.length - 1} of f`);
    expect(Buffer.from(found[2]?.record.data ?? [])).toEqual(records[1]);
  });

  it('a run of random bytes past the bound is one span, reported without being held, and the record after it is read', async () => {
    // Deterministic noise: every byte value, braces and quotes among them, at random places.
    let seed = 7;
    const noise = Buffer.alloc(1536 * 1024, 0).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    const content = Buffer.concat([records[0] as Buffer, noise, records[1] as Buffer]);
    const found = await items(content, 65536, 1 << 20);
    expect(found.map((item) => item.problem === undefined)).toEqual([true, false, true]);
    expect(found[1]?.problem).toMatch(/^1572864 bytes that are no activity stream record: .*longer than 1048576 bytes, not kept$/);
    expect(found[1]?.record.data.length).toBe(0);
    expect(Buffer.from(found[2]?.record.data ?? [])).toEqual(records[1]);
  });

  it("Firehose's error records and dead letters start records too: a cut one before them costs only itself", async () => {
    const firehose = Buffer.from(
      JSON.stringify({
        attemptsMade: 4,
        arrivalTimestamp: 1764547200000,
        errorCode: 'Lambda.FunctionError',
        errorMessage: 'a {"quoted": "thing"}',
        rawData: (records[1] as Buffer).toString('base64'),
      }),
    );
    const letter = Buffer.from(
      JSON.stringify({
        shardId: 'shardId-000000000000',
        sequenceNumber: '49',
        arrivalTime: null,
        reason: 'x',
        data: (records[2] as Buffer).toString('base64'),
      }),
    );
    const content = Buffer.concat([firehose.subarray(0, 100), letter, firehose.subarray(0, 30), firehose, letter.subarray(0, 77), records[3] as Buffer]);
    const found = await items(content, 5);
    expect(found.map((item) => item.problem === undefined)).toEqual([false, true, false, true, false, true]);
    expect(found.filter((item) => !item.problem).map((item) => Buffer.from(item.record.data))).toEqual([records[2], records[1], records[3]]);
  });
});
