import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMutation, INVALID_UTF8, MAX_MUTATED_BYTES, mutationArbitrary, type Mutation } from '../../fuzz/mutators.js';
import { planArbitrary, planAt } from '../../fuzz/inputs.js';
import { chunksOf, delivered, DRAWN_CHUNKS } from '../../fuzz/target.js';
import { fuzz } from '../../fuzz/supervisor.js';

const temp = mkdtempSync(join(tmpdir(), 'das-read-fuzz-engine-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const toy = (name: string) => new URL(`../helpers/${name}.ts`, import.meta.url).href;
function corpusOf(name: string, ...inputs: string[]): string {
  const dir = join(temp, name);
  mkdirSync(dir, { recursive: true });
  for (const [index, input] of inputs.entries()) writeFileSync(join(dir, `${index}.txt`), input);
  return dir;
}

const mutate = (input: string, mutation: Mutation, others: string[] = []) =>
  applyMutation(
    Buffer.from(input),
    mutation,
    others.map((other) => Buffer.from(other)),
  );

describe('each mutator makes what it says', () => {
  it('flips one bit, inserts, deletes, truncates', () => {
    expect(mutate('abcdef', { kind: 'bitflip', at: 1, bit: 0 }).toString()).toBe('accdef');
    expect(mutate('abcdef', { kind: 'insert', at: 2, bytes: Buffer.from('XY') }).toString()).toBe('abXYcdef');
    expect(mutate('abcdef', { kind: 'delete', at: 2, length: 2 }).toString()).toBe('abef');
    expect(mutate('abcdef', { kind: 'truncate', at: 3 }).toString()).toBe('abc');
  });

  it('takes any drawn position modulo the length, so that every number names a place', () => {
    expect(mutate('abcdef', { kind: 'insert', at: 7 + 2, bytes: Buffer.from('X') }).toString()).toBe('abXcdef');
    expect(mutate('', { kind: 'bitflip', at: 5, bit: 3 }).length).toBe(0);
  });

  it('splices the start of one input to the rest of another', () => {
    expect(mutate('abcdef', { kind: 'splice', at: 2, other: 1, otherAt: 1 }, ['123', 'wxyz']).toString()).toBe('abxyz');
  });

  it('repeats a slice', () => {
    expect(mutate('abcdef', { kind: 'repeat', at: 1, length: 2, times: 3 }).toString()).toBe('abcbcbcbcdef');
  });

  it('nests a slice in arrays or objects, as deep as asked', () => {
    expect(mutate('abcdef', { kind: 'nest', at: 1, length: 2, open: '[', depth: 3, value: false }).toString()).toBe('a[[[bc]]]def');
    expect(mutate('1', { kind: 'nest', at: 0, length: 1, open: '{', depth: 2, value: false }).toString()).toBe('{"a":{"a":1}}');
    // A value: what follows the next colon, to the next comma or brace, whatever the length drawn.
    expect(mutate('{"a":1,"b":"x"}', { kind: 'nest', at: 3, length: 0, open: '[', depth: 2, value: true }).toString()).toBe('{"a":[[1]],"b":"x"}');
    expect(mutate('{"a":1,"b":"x"}', { kind: 'nest', at: 7, length: 0, open: '{', depth: 1, value: true }).toString()).toBe('{"a":1,"b":{"a":"x"}}');
    const deep = mutate('0', { kind: 'nest', at: 0, length: 1, open: '[', depth: 10_000, value: false }).toString();
    expect(deep.length).toBe(20_001);
    expect(JSON.parse(deep)).toBeInstanceOf(Array);
  });

  it('inserts a huge value, quoted or not', () => {
    const quoted = mutate('abcdef', { kind: 'huge', at: 3, size: 1 << 20, quoted: true });
    expect(quoted.length).toBe(6 + 2 + (1 << 20));
    expect(quoted.subarray(0, 5).toString()).toBe('abc"A');
    expect(quoted.subarray(-6).toString()).toBe('AA"def');
    expect(mutate('ab', { kind: 'huge', at: 1, size: 3, quoted: false }).toString()).toBe('aAAAb');
  });

  it('inserts bytes that are not UTF-8, each sequence its own reason', () => {
    for (const [sequence, bytes] of INVALID_UTF8.entries()) {
      const out = mutate('abcdef', { kind: 'invalid-utf8', at: 3, sequence });
      expect(out.subarray(3, 3 + bytes.length)).toEqual(Buffer.from(bytes));
      expect(isUtf8(out)).toBe(false);
    }
  });

  it('never makes more than its bound', () => {
    const input = Buffer.alloc(MAX_MUTATED_BYTES - 10, 'x').toString();
    expect(mutate(input, { kind: 'huge', at: 0, size: 1 << 20, quoted: false }).length).toBe(MAX_MUTATED_BYTES);
  });

  it('fast-check draws every kind of mutation', () => {
    const kinds = new Set(fc.sample(mutationArbitrary(), { seed: 1, numRuns: 3000 }).map((mutation) => mutation.kind));
    expect([...kinds].sort()).toEqual(['bitflip', 'delete', 'huge', 'insert', 'invalid-utf8', 'nest', 'repeat', 'splice', 'truncate']);
  });
});

describe('inputs are made again from the seed and the iteration alone', () => {
  it('the same (seed, iteration) draws the same plan, another iteration another', () => {
    const plans = planArbitrary();
    const stringify = (value: unknown) => JSON.stringify(value, (_key, inner: unknown) => (inner instanceof Uint8Array ? [...inner] : inner));
    expect(stringify(planAt(plans, 42, 7))).toBe(stringify(planAt(plans, 42, 7)));
    expect(stringify(planAt(plans, 42, 7))).not.toBe(stringify(planAt(plans, 42, 8)));
  });

  it('a delivery cuts the bytes in the drawn sizes, then in large chunks, and gzips them when asked', () => {
    const bytes = Buffer.alloc(200_000, 'z');
    const chunks = chunksOf(bytes, [1, 2]);
    expect(chunks.slice(0, 4).map((chunk) => chunk.length)).toEqual([1, 2, 1, 2]);
    expect(chunks.length).toBeLessThan(DRAWN_CHUNKS + 5);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(gunzipSync(Buffer.concat(delivered(bytes, { gzip: true, chunks: [1] }))).equals(bytes)).toBe(true);
  });
});

describe('the engine', () => {
  it('finds the planted crash of a toy target by a fixed seed, saves the input, and replays it', async () => {
    const findingsDir = join(temp, 'findings-crash');
    const report = await fuzz({
      targetModule: toy('fuzz-toys'),
      corpusDir: corpusOf('crash', 'hello, world', '{"a":[1,2,3]}'),
      findingsDir,
      seed: 7,
      seconds: 600,
      timeoutMs: 5000,
      maxExecutions: 2000,
      stopOnFinding: true,
    });
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding?.kind).toBe('crash');
    expect(finding?.message).toMatch(/^TypeError: planted: cannot read byte 3 of \d$/);
    const saved = readFileSync(finding?.file as string);
    expect(saved.length).toBeLessThan(4);
    expect(JSON.parse(readFileSync((finding?.file as string).replace(/\.bin$/, '.json'), 'utf8'))).toMatchObject({ kind: 'crash', seed: 7 });

    const replayed = await fuzz({
      targetModule: toy('fuzz-toys'),
      corpusDir: '',
      findingsDir: join(temp, 'replayed'),
      seed: 0,
      seconds: 600,
      timeoutMs: 5000,
      replay: { bytes: saved, delivery: { gzip: false, chunks: [] } },
    });
    expect(replayed.executions).toBe(1);
    expect(replayed.findings.map((found) => found.message)).toEqual([finding?.message]);

    const clean = await fuzz({
      targetModule: toy('fuzz-toys'),
      corpusDir: '',
      findingsDir: join(temp, 'replayed'),
      seed: 0,
      seconds: 600,
      timeoutMs: 5000,
      replay: { bytes: Buffer.from('long enough'), delivery: { gzip: false, chunks: [] } },
    });
    expect(clean).toMatchObject({ executions: 1, outcomes: { odd: 1 }, findings: [] });
  });

  it('stops an input that never yields, saves it as a hang, and goes on with the next', async () => {
    const report = await fuzz({
      targetModule: toy('fuzz-toy-hang'),
      corpusDir: corpusOf('hang', 'no brackets here', 'nor here'),
      findingsDir: join(temp, 'findings-hang'),
      seed: 3,
      seconds: 600,
      timeoutMs: 200,
      maxExecutions: 40,
    });
    expect(report.findings.map((finding) => finding.kind)).toEqual(['hang']);
    expect(readFileSync(report.findings[0]?.file as string).includes(0x5b)).toBe(true);
    // The thread was restarted after each hang until the executions asked for were made.
    expect(report.executions).toBe(40);
    expect(report.outcomes['no bracket']).toBeGreaterThan(0);
  });
});
