import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Utf8Builder } from '../../src/format/utf8-builder.js';
import { OutputClosedError, OutputWriter } from '../../src/sinks/writer.js';

describe('UTF-8 builder', () => {
  it('gives the bytes of what was appended, across chunks, with characters of every width', () => {
    const builder = new Utf8Builder();
    const pieces = Array.from({ length: 3_000 }, (_, i) => `{"n":${i},"text":"café ✓ 🐘 ${'x'.repeat(i % 300)}"}\n`);
    for (const piece of pieces) builder.append(piece);
    const chunks = builder.take();
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(pieces.join(''));
    expect(builder.take()).toEqual([]);
  });

  it('takes a piece larger than a chunk whole', () => {
    const builder = new Utf8Builder();
    const big = '🐘'.repeat(200_000);
    builder.append('a');
    builder.append(big);
    builder.append('b');
    expect(Buffer.concat(builder.take()).toString('utf8')).toBe(`a${big}b`);
  });

  it('takes bytes that are UTF-8 already among strings, in order, across chunks and larger than one', () => {
    const builder = new Utf8Builder();
    const pieces = Array.from({ length: 2_000 }, (_, i) => (i === 700 ? '🐘'.repeat(100_000) : `{"n":${i},"é":"${'y'.repeat(i % 500)}"}\n`));
    pieces.forEach((piece, i) => (i % 2 === 0 ? builder.append(piece) : builder.appendBytes(Buffer.from(piece))));
    const chunks = builder.take();
    expect(chunks.length).toBeGreaterThan(2);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(pieces.join(''));
  });

  it('never writes again into bytes it has handed out', () => {
    const builder = new Utf8Builder();
    builder.append('first');
    const [first] = builder.take();
    builder.append('second');
    builder.take();
    expect(first?.toString('utf8')).toBe('first');
  });
});

describe('output writer', () => {
  it('resolves only once the stream has taken every chunk', async () => {
    const taken: string[] = [];
    const release: Array<() => void> = [];
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        taken.push(chunk.toString('utf8'));
        release.push(done);
      },
    });
    const writer = new OutputWriter(slow);
    let written = false;
    const writing = writer.write([Buffer.from('a'), Buffer.from('b')]).then(() => (written = true));
    await new Promise((resolve) => setImmediate(resolve));
    release.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect([taken, written]).toEqual([['a', 'b'], false]);
    release.shift()?.();
    await writing;
    expect(written).toBe(true);
  });

  it('keeps what a stream that holds on to chunks was given', async () => {
    const pipe = new PassThrough();
    const writer = new OutputWriter(pipe);
    const builder = new Utf8Builder();
    for (const line of ['one\n', 'two\n']) {
      builder.append(line);
      await writer.write(builder.take());
    }
    pipe.end();
    expect((await pipe.toArray()).map(String).join('')).toBe('one\ntwo\n');
  });

  it('turns a reader gone away into OutputClosedError', async () => {
    const gone = new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    gone.on('error', () => undefined);
    const writer = new OutputWriter(gone);
    await expect(writer.write([Buffer.from('x')])).rejects.toBeInstanceOf(OutputClosedError);
    await expect(writer.write([Buffer.from('y')])).rejects.toBeInstanceOf(OutputClosedError);
  });

  /** A file that takes `room` bytes, then fails as a full disk does: by callback, or thrown from write(). */
  function fullFile(room: number, how: 'callback' | 'throw') {
    let size = 100;
    const cuts: number[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        const error = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        if (size - 100 + chunk.length > room) {
          size += Math.max(0, room - (size - 100));
          if (how === 'throw') throw error;
          return done(error);
        }
        size += chunk.length;
        done();
      },
    });
    stream.on('error', () => undefined);
    const file = { path: '/var/log/das/audit.ndjson', size: () => size, truncate: async (length: number) => void cuts.push((size = length)) };
    return { writer: new OutputWriter(stream, file), cuts };
  }

  it.each(['callback', 'throw'] as const)('a full disk (reported by %s) cuts the file back to its last whole write, and says so', async (how) => {
    const { writer, cuts } = fullFile(10, how);
    await writer.write([Buffer.from('line one\n')]);
    const failed = writer.write([Buffer.from('line two\n')]);
    await expect(failed).rejects.toThrow('cannot write the events to /var/log/das/audit.ndjson: no space left on device (ENOSPC)');
    expect(cuts).toEqual([109]);
  });

  it('a write the device cut short without an error is caught by the size, and cut back too', async () => {
    let size = 0;
    const cuts: number[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        size += Math.min(chunk.length, 4);
        done();
      },
    });
    const writer = new OutputWriter(stream, { path: 'audit.ndjson', size: () => size, truncate: async (length) => void cuts.push((size = length)) });
    await expect(writer.write([Buffer.from('a long line\n')])).rejects.toThrow('the device took only part of the write');
    expect(cuts).toEqual([0]);
  });
});
