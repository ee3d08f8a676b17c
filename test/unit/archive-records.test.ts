import { describe, expect, it } from 'vitest';
import { archiveRecords, type ArchiveItem } from '../../src/saved/archive-records.js';

async function items(content: Buffer, chunk: number, maxRecordBytes = 1 << 20): Promise<ArchiveItem[]> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < content.length; at += chunk) pieces.push(content.subarray(at, at + chunk));
  const found: ArchiveItem[] = [];
  for await (const item of archiveRecords(pieces, { name: 'f', gzipped: false, maxRecordBytes })) found.push(item);
  return found;
}

const summary = (found: ArchiveItem[]) => found.map((item) => ({ at: item.record.sequenceNumber, text: Buffer.from(item.record.data).toString('utf8'), ...(item.problem ? { problem: item.problem } : {}) }));

describe('archiveRecords cuts an archive into its JSON objects', () => {
  const objects = ['{"a":"x}y{"}', '{"b":"\\"}{\\\\"}', '{"c":{"d":[1,{"e":2}]}}', '{"f":"\\\\"}'];
  const content = Buffer.from(`${objects[0]}${objects[1]}\n\n${objects[2]}\r\n  ${objects[3]}`);

  it.each([1, 2, 3, 5, 7, 64, 4096])('the same objects and offsets whatever the chunks (%i bytes): braces and escapes in strings do not count', async (chunk) => {
    const found = summary(await items(content, chunk));
    expect(found.map((item) => item.text)).toEqual(objects);
    expect(found.map((item) => Number(item.at))).toEqual(objects.map((object) => content.indexOf(object)));
    expect(found.every((item) => item.problem === undefined)).toBe(true);
  });

  it('bytes between objects are one problem each, and the next object is still found', async () => {
    const found = summary(await items(Buffer.from('junk{"a":1} more junk }{"b":2}'), 3));
    expect(found).toEqual([
      { at: '0', text: 'junk', problem: '4 bytes that are not a JSON object: not an activity stream record' },
      { at: '4', text: '{"a":1}' },
      { at: '12', text: 'more junk }', problem: '11 bytes that are not a JSON object: not an activity stream record' },
      { at: '23', text: '{"b":2}' },
    ]);
  });

  it('an object past the bound is reported, not held; the one after it is read', async () => {
    const found = summary(await items(Buffer.from(`{"big":"${'x'.repeat(5000)}"}{"small":1}`), 100, 1000));
    expect(found[0]?.problem).toBe('a JSON object longer than 1000 bytes: not an activity stream record');
    expect(found[0]?.text).toBe('');
    expect(found[1]).toEqual({ at: '5010', text: '{"small":1}' });
  });

  it('an empty archive has no records, and one of only whitespace neither', async () => {
    expect(await items(Buffer.alloc(0), 10)).toEqual([]);
    expect(await items(Buffer.from('\n\n  \r\n'), 2)).toEqual([]);
  });
});
