import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { archivePieces, type ArchivePiece } from '../../src/saved/archive-pieces.js';
import { archiveRecords, type ArchiveItem } from '../../src/saved/archive-records.js';
import { archiveCaseArbitrary, chunkSizesArbitrary, damagedArchive, inChunks, uncovered } from '../helpers/archive-damage.js';

/** Records shaped as RDS wraps them: the cutter reads no further than the envelope (the data here is not encrypted). */
const records = Array.from({ length: 4 }, (_, n) =>
  Buffer.from(
    JSON.stringify({
      type: 'DatabaseActivityMonitoringRecords',
      version: '1.1',
      databaseActivityEvents: Buffer.alloc(30 + n * 17, n + 1).toString('base64'),
      key: Buffer.from(`data key ${n}`).toString('base64'),
    }),
  ),
);

async function itemsOf(chunks: Buffer[]): Promise<ArchiveItem[]> {
  const found: ArchiveItem[] = [];
  for await (const item of archiveRecords(chunks, { name: 'f', gzipped: false, maxRecordBytes: 1 << 20 })) found.push(item);
  return found;
}

/** The bytes an item stands for: a record's from its first byte, a damaged span's as its place names them. */
function spanOf(item: ArchiveItem): { start: number; end: number } {
  const place = /^bytes? (\d+)(?: to (\d+))? of f$/.exec(item.record.place ?? '');
  expect(place, item.record.place).not.toBeNull();
  const start = Number(place?.[1]);
  expect(item.record.sequenceNumber).toBe(String(start));
  return { start, end: place?.[2] === undefined ? start + item.record.data.length : Number(place[2]) + 1 };
}

describe('the archive cutter accounts for every byte, whatever the damage and the chunks', () => {
  it('every whole record is an item of its own, at its offset, byte for byte; every other byte is in a span named by its first and last byte and kept whole', async () => {
    await fc.assert(
      fc.asyncProperty(archiveCaseArbitrary(records.length), chunkSizesArbitrary, async (archiveCase, sizes) => {
        const { content, parts } = damagedArchive(records, archiveCase);
        const found = await itemsOf(inChunks(content, sizes));
        const spans = found.map(spanOf);
        for (const part of parts.filter((part) => part.whole !== undefined)) {
          const item = found.find((candidate) => candidate.record.sequenceNumber === String(part.offset));
          expect(item?.problem, `the whole record at ${part.offset}`).toBeUndefined();
          expect(Buffer.from(item?.record.data ?? [])).toEqual(part.bytes);
        }
        found.forEach((item, index) => {
          const { start, end } = spans[index] as { start: number; end: number };
          // What is kept is the file's own bytes, spans in order and apart.
          expect(Buffer.from(item.record.data)).toEqual(content.subarray(start, end));
          if (index > 0) expect(start).toBeGreaterThanOrEqual((spans[index - 1] as { end: number }).end);
        });
        expect(uncovered(content, spans)).toEqual([]);
        // However it arrives, the same items.
        expect(await itemsOf([content])).toEqual(found);
      }),
      { numRuns: 150 },
    );
    // Bounded by the runs, not by time: the allowance is for a machine shared with other work.
  }, 120_000);

  it("Firehose's error records and dead letters too: pieces tile the bytes, each whole record one object piece at its offset", async () => {
    const shapes = [
      ...records.slice(0, 2),
      Buffer.from(
        JSON.stringify({
          attemptsMade: 4,
          arrivalTimestamp: 1764547200000,
          errorCode: 'Lambda.FunctionError',
          errorMessage: 'a {"type":"x"} \\ {',
          rawData: (records[2] as Buffer).toString('base64'),
        }),
      ),
      Buffer.from(
        JSON.stringify({
          shardId: 'shardId-000000000000',
          sequenceNumber: '4960',
          arrivalTime: null,
          reason: 'KMS was throttling',
          data: (records[3] as Buffer).toString('base64'),
        }),
      ),
    ];
    await fc.assert(
      fc.asyncProperty(archiveCaseArbitrary(shapes.length), chunkSizesArbitrary, async (archiveCase, sizes) => {
        const { content, parts } = damagedArchive(shapes, archiveCase);
        const pieces: ArchivePiece[] = [];
        for await (const some of archivePieces(inChunks(content, sizes), 1 << 20)) pieces.push(...some);
        let end = 0;
        for (const piece of pieces) {
          // Each piece begins where the last ended, but for the whitespace it keeps as its lead.
          expect(piece.start - (piece.lead?.length ?? 0)).toBe(end);
          expect(Buffer.concat([piece.lead ?? Buffer.alloc(0), piece.bytes ?? Buffer.alloc(0)])).toEqual(content.subarray(end, piece.end));
          end = piece.end;
        }
        expect(uncovered(content, [{ start: 0, end }])).toEqual([]);
        for (const part of parts.filter((part) => part.whole !== undefined)) {
          const piece = pieces.find((candidate) => candidate.start === part.offset);
          expect(piece?.what, `the whole record at ${part.offset}`).toBe('object');
          expect(piece?.bytes).toEqual(part.bytes);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
