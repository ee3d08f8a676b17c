import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { run } from '../../src/cli/run.js';
import { ExitCode } from '../../src/errors.js';
import { archiveCaseArbitrary, chunkSizesArbitrary, damagedArchive, inChunks, uncovered, type ArchivePart } from '../helpers/archive-damage.js';
import { memoryIO } from '../helpers/memory-io.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
let dir: string;
let resourceId: string;
/** Records as RDS makes them, and the lines the undamaged archive gives for each (its eventId left out). */
let records: Buffer[];
let expected: string[][];

const ID = /"eventId":"standard input:(\d+):(\d+)"/;
/** A line's record (its byte in the archive) and the line with the id written as `@INDEX`. */
const parse = (line: string) => {
  const id = ID.exec(line);
  expect(id, line).not.toBeNull();
  return { offset: Number(id?.[1]), line: line.replace(ID, `"eventId":"@${id?.[2]}"`) };
};

async function decode(chunks: Buffer[], args: string[]) {
  const io = { ...memoryIO(), stdin: Readable.from(chunks) };
  const code = await run(['decode', '--resource-id', resourceId, '--endpoint-url', lab.endpoint, '-o', 'ndjson', '--threads', '0', ...args], io);
  return { code, stdout: io.stdout.lines(), stderr: io.stderr.text };
}

/** The lines of a run, by the byte their record starts at, in the order written. */
function byRecord(lines: string[]): { offset: number; lines: string[] }[] {
  const groups: { offset: number; lines: string[] }[] = [];
  for (const { offset, line } of lines.map(parse)) {
    const last = groups.at(-1);
    if (last?.offset === offset) last.lines.push(line);
    else groups.push({ offset, lines: [line] });
  }
  return groups;
}

beforeAll(async () => {
  lab = await startTestLab();
  dir = await scratchDir('das-read-decode-invariant-');
  const stream = await lab.activityStream({ name: 'decode-invariant' });
  resourceId = stream.database.resourceId;
  records = [];
  for (let r = 0; r < 4; r++)
    records.push(
      await stream.producer.encode(
        activityRecord(
          resourceId,
          'db-A',
          Array.from({ length: r + 1 }, (_, e) => postgresEvent(r * 10 + e)),
        ),
      ),
    );
  const whole = await decode([Buffer.from(records.map((record) => record.toString()).join('\n'))], []);
  expect(whole.code, whole.stderr).toBe(ExitCode.ok);
  expected = byRecord(whole.stdout).map((group) => group.lines);
  expect(expected.map((lines) => lines.length)).toEqual([1, 2, 3, 4]);
});
afterAll(async () => {
  await lab?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('das-read decode: every record of a damaged archive is written whole or reported with its place', () => {
  it('under skip every whole record is written byte for byte, every damaged span is named and kept whole in the dead letter; under fail the same up to the first, and exit 3 says something was damaged', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(archiveCaseArbitrary(4, 5), chunkSizesArbitrary, fc.boolean(), async (archiveCase, sizes, zipped) => {
        const { content, parts } = damagedArchive(records, archiveCase);
        // Gzip's first chunk holds both magic bytes: gzip split there is another finding's (saved-input's sniffing).
        const chunks = zipped ? inChunks(gzipSync(content), sizes, 2) : inChunks(content, sizes);
        const dead = join(dir, `dead-${runs++}.ndjson`);
        const skip = await decode(chunks, ['--on-error', 'skip', '--dead-letter', dead]);
        const letters = (await readFile(dead, 'utf8').catch(() => ''))
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { sequenceNumber: string; data: string });
        expect(skip.code, skip.stderr).toBe(ExitCode.ok);

        // Every whole record's lines, as the undamaged archive gives them; a damaged record that still
        // opens (its payload is authenticated) gives its record's lines whole, or none.
        const groups = byRecord(skip.stdout);
        const at = new Map<number, ArchivePart>(parts.map((part) => [part.offset, part]));
        for (const part of parts) {
          if (part.whole !== undefined)
            expect(groups.find((group) => group.offset === part.offset)?.lines, `the whole record at ${part.offset}`).toEqual(expected[part.whole]);
        }
        const spans: { start: number; end: number }[] = [];
        // A record spliced whole into another (at byte 1 of itself, say) is a whole record where it landed: read, as it should be.
        const copyAt = (offset: number) => records.find((record) => content.subarray(offset, offset + record.length).equals(record));
        for (const group of groups) {
          const part = at.get(group.offset);
          const copy = part?.from === undefined ? copyAt(group.offset) : undefined;
          expect(part?.from ?? copy, `lines from byte ${group.offset}, where no record begins`).not.toBeUndefined();
          expect(expected).toContainEqual(group.lines);
          spans.push({ start: group.offset, end: group.offset + (part?.bytes.length ?? copy?.length ?? 0) });
        }
        expect(groups.map((group) => group.offset)).toEqual([...groups.map((group) => group.offset)].sort((a, b) => a - b));

        // Every other byte is in a span reported where it is, and kept byte for byte.
        for (const letter of letters) {
          const start = Number(letter.sequenceNumber);
          const data = Buffer.from(letter.data, 'base64');
          expect(data).toEqual(content.subarray(start, start + data.length));
          expect(skip.stderr).toMatch(
            new RegExp(`cannot read the record at bytes? ${start} (to \\d+ )?of standard input${zipped ? ' \\(gunzipped\\)' : ''}: `),
          );
          spans.push({ start, end: start + data.length });
        }
        expect(uncovered(content, spans)).toEqual([]);
        if (letters.length > 0) expect(skip.stderr).toContain(`skipped ${letters.length} unreadable record${letters.length === 1 ? '' : 's'}`);

        // The default policy: the same lines up to the first damage, and an exit code that says whether there was any.
        const fail = await decode(chunks, []);
        const first = letters.length > 0 ? Number(letters[0]?.sequenceNumber) : Infinity;
        expect(fail.code, fail.stderr).toBe(letters.length > 0 ? ExitCode.unreadableRecord : ExitCode.ok);
        expect(fail.stdout).toEqual(skip.stdout.filter((line) => parse(line).offset < first));
        if (letters.length > 0) expect(fail.stderr).toMatch(new RegExp(`cannot read the record at bytes? ${first} `));
      }),
      // seed -1006902034 found the spliced whole record: kept as a case.
      { numRuns: 40, examples: [[{ order: [0], separator: '', damage: [{ kind: 'splice', part: 0, other: 0, at: 1, from: 0 }] }, [1], false]] },
    );
    // Bounded by the runs, not by time: the allowance is for a machine shared with other work.
  }, 120_000);
});
