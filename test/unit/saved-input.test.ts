import { gzipSync } from 'node:zlib';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { linesOf, plainContent, savedEntriesOf, savedLines, type SavedLine } from '../../src/saved/saved-lines.js';
import { run } from '../../src/cli/run.js';
import { ExitCode } from '../../src/errors.js';
import { memoryIO } from '../helpers/memory-io.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const line = (n: number, overrides = {}) => JSON.stringify({ ...postgresEvent(n, overrides), clusterId: 'cluster-A', instanceId: 'db-B', eventId: `s:1:${n}` });

/** Bytes handed over one at a time, as a slow pipe may: each read gives one byte, however fast it is read. */
function byteByByte(bytes: Buffer): Readable {
  return Readable.from(Array.from({ length: bytes.length }, (_, at) => bytes.subarray(at, at + 1)));
}

async function all(source: Readable): Promise<SavedLine[]> {
  const lines: SavedLine[] = [];
  for await (const saved of savedLines(await plainContent(source), 1024 * 1024)) lines.push(saved);
  return lines;
}

/** A line nested `depth` deep in a field of an otherwise ordinary event. */
function deepLine(depth: number): string {
  return `${line(2).slice(0, -1)},"engineNativeAuditFields":{"nest":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
}

describe('saved input, hostile', () => {
  it('gzip that arrives a byte at a time is gunzipped as if it came whole', async () => {
    const plain = Buffer.from(`${line(1)}\n${line(2)}\n`);
    expect(await all(byteByByte(gzipSync(plain)))).toEqual(await all(Readable.from([plain])));
    const io = { ...memoryIO(), stdin: byteByByte(gzipSync(plain)) };
    expect(await run(['show'], io)).toBe(ExitCode.ok);
    expect(io.stdout.lines()).toEqual([line(1), line(2)]);
  });

  it('a one-byte file is not taken for gzip, and an empty one is empty', async () => {
    expect(await all(byteByByte(Buffer.from('\x1f')))).toEqual([{ number: 1, text: '\x1f' }]);
    expect(await all(byteByByte(Buffer.alloc(0)))).toEqual([]);
  });

  for (const form of [['--redact'], ['-o', 'json'], ['-o', 'ocsf'], ['--fields', 'eventId,engineNativeAuditFields'], ['-o', 'pretty']]) {
    it(`a line nested 20,000 deep is reported by its number, and the lines after it shown (${form.join(' ')})`, async () => {
      const io = memoryIO({ input: [line(1), deepLine(20_000), line(3)].join('\n') + '\n' });
      const code = await run(['show', ...form], io);
      expect(io.stderr.text).not.toContain('the rest of it cannot be read');
      if (form[1] !== 'pretty') expect(io.stdout.text).toContain('s:1:1');
      if (form[1] !== 'pretty') expect(io.stdout.text).toContain('s:1:3');
      expect(io.stdout.text.split('\n').length).toBeGreaterThan(2);
      expect(code).toBe(ExitCode.unreadableRecord);
      expect(io.stderr.text).toMatch(/standard input:2: nested deeper than \d+ levels/);
    });
  }

  it('a line nested within the bound is shown in every form', async () => {
    const io = memoryIO({ input: `${deepLine(500)}\n` });
    expect(await run(['show', '-o', 'ocsf'], io)).toBe(ExitCode.ok);
    expect(io.stdout.lines()).toHaveLength(1);
  });

  it('without a form that rebuilds it, a deep line is written as it was saved, as the live read wrote it', async () => {
    const io = memoryIO({ input: `${deepLine(20_000)}\n${line(3)}\n` });
    expect(await run(['show'], io)).toBe(ExitCode.ok);
    expect(io.stdout.lines()).toEqual([deepLine(20_000), line(3)]);
  });

  it('under --redact, a line that is not JSON is named by number and position, never quoted', async () => {
    const secret = `${line(1).slice(0, -1)},"paramList":[hunter2_secret]}`;
    const io = memoryIO({ input: `${line(1)}\n${secret}\n{"a":1 "hunter3"}\n` });
    expect(await run(['show', '--redact'], io)).toBe(ExitCode.unreadableRecord);
    expect(io.stderr.text).not.toMatch(/hunter|paramList|select/);
    expect(io.stderr.text).toContain('standard input:2: not JSON: an unexpected character');
    expect(io.stderr.text).toContain("standard input:3: not JSON: Expected ',' or '}' after property value, at byte 7 of the line");
    expect(io.stdout.lines()).toHaveLength(1);
  });

  it('a symbolic link that leads back to itself is named as a missing file is, exit 1', async () => {
    const dir = await scratchDir('das-read-loop-');
    await symlink(join(dir, 'loop'), join(dir, 'loop'));
    const io = memoryIO();
    expect(await run(['show', join(dir, 'loop')], io)).toBe(ExitCode.runtime);
    expect(io.stderr.text).toContain(`cannot read ${join(dir, 'loop')}: too many levels of symbolic links (ELOOP)`);
    expect(io.stderr.text).not.toContain('unexpected error');
  });

  for (const [name, code] of [
    ['SIGINT', ExitCode.interrupted],
    ['SIGTERM', ExitCode.terminated],
  ] as const) {
    it(`${name} while show waits on a pipe that never ends: it stops, exit ${code}, with what it had shown`, async () => {
      // The line is given on the first read; a second read means it was taken, and more is awaited, which never comes.
      let reads = 0;
      let waiting!: () => void;
      const waits = new Promise<void>((resolve) => (waiting = resolve));
      const stdin = new Readable({
        read() {
          if (++reads === 1) this.push(`${line(1)}\n`);
          else waiting();
        },
      });
      const io = { ...memoryIO(), stdin };
      const controller = new AbortController();
      const running = run(['show'], io, { signal: controller.signal });
      await waits;
      controller.abort(name);
      expect(await running).toBe(code);
      // What was read before the signal is written whole, or not at all.
      expect([[], [line(1)]]).toContainEqual(io.stdout.lines());
      expect(io.stderr.text).not.toContain('cannot be read');
    });
  }

  it('a signal before anything arrived: show stops waiting for the first byte', async () => {
    const io = { ...memoryIO(), stdin: new Readable({ read() {} }) };
    const controller = new AbortController();
    const running = run(['show'], io, { signal: controller.signal });
    setImmediate(() => controller.abort('SIGTERM'));
    expect(await running).toBe(ExitCode.terminated);
    expect(io.stderr.text).toBe('');
  });
});

describe('the saved-line reader, for any bytes in any chunks (property)', () => {
  it('cuts the same lines however the bytes are cut, never throws, and accounts for every line', () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.constantFrom(Buffer.from('\n'), Buffer.from('{"a":1}\n'), Buffer.from('\r\n'), Buffer.from([0xff, 0x0a]), Buffer.from('[[[[[[')),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 4 }), (pieces, sizes) => {
        const bytes = Buffer.concat(pieces.map((p) => Buffer.from(p)));
        const chunks: Buffer[] = [];
        for (let at = 0, n = 0; at < bytes.length; n++) {
          const size = sizes[n % sizes.length] as number;
          chunks.push(bytes.subarray(at, at + size));
          at += size;
        }
        const whole = [...linesOf([bytes], 64)];
        expect([...linesOf(chunks, 64)]).toEqual(whole);
        const lineCount = bytes.length === 0 ? 0 : bytes.toString('latin1').split('\n').length - (bytes.at(-1) === 0x0a ? 1 : 0);
        expect(whole.map((line) => line.number)).toEqual(Array.from({ length: lineCount }, (_, n) => n + 1));
        const entries = [...savedEntriesOf(chunks, { maxBytes: 64, maxDepth: 4 })];
        expect(entries.map((entry) => entry.number)).toEqual(whole.map((line) => line.number));
      }),
      { numRuns: 500 },
    );
  });
});
