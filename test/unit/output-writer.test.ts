import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Utf8Builder } from '../../src/output/utf8-builder.js';
import { OutputClosedError, OutputWriter } from '../../src/output/writer.js';

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
});
