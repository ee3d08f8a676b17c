// The mutations, each a plain description drawn by fast-check and applied here: a description is
// printed with a finding and made again from the run's seed, so it must say everything it does.
import fc from 'fast-check';

export type Mutation =
  | { kind: 'bitflip'; at: number; bit: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; at: number; other: number; otherAt: number }
  | { kind: 'repeat'; at: number; length: number; times: number }
  | { kind: 'nest'; at: number; length: number; open: '[' | '{'; depth: number; value: boolean }
  | { kind: 'huge'; at: number; size: number; quoted: boolean }
  | { kind: 'invalid-utf8'; at: number; sequence: number };

/** A mutation makes nothing longer than this: several huge ones in a row must not exhaust the machine. */
export const MAX_MUTATED_BYTES = 32 * 1024 * 1024;

/** Byte sequences that are not UTF-8, each for a different reason a decoder must catch. */
export const INVALID_UTF8: readonly (readonly number[])[] = [
  [0xff], // never in UTF-8
  [0x80], // a continuation byte alone
  [0xc3, 0x28], // a lead byte without its continuation
  [0xc0, 0xaf], // overlong '/'
  [0xed, 0xa0, 0x80], // a UTF-16 surrogate, encoded
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xe2, 0x82], // cut short
];

/** Tokens of JSON and of the formats inside it: a random byte rarely makes one. */
const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  '\\',
  '\n',
  '\r\n',
  ',',
  ':',
  '\\u0000',
  '\\ud800',
  '"__proto__":',
  'null',
  'true',
  '-0',
  '1e999',
  '\x1f\x8b',
  '=',
  '==',
  '+',
  '/',
  '-_',
  '\u2028',
  '{"',
  '"}',
  '}{',
  '0',
  '-1',
  '1.5',
  '99999999999999999999',
];

const position = fc.nat({ max: 0x7fffffff });

export function mutationArbitrary(dictionary: readonly string[] = []): fc.Arbitrary<Mutation> {
  const tokens = [...TOKENS, ...dictionary].map((token) => Buffer.from(token, 'utf8'));
  const insertBytes = fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.constantFrom(...tokens));
  // Huge values are rare: one costs a hundred ordinary executions.
  return fc.oneof(
    { weight: 24, arbitrary: fc.record({ kind: fc.constant('bitflip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }) },
    { weight: 20, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, bytes: insertBytes }) },
    { weight: 16, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 256 }) }) },
    { weight: 12, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }) },
    { weight: 12, arbitrary: fc.record({ kind: fc.constant('splice' as const), at: position, other: position, otherAt: position }) },
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('repeat' as const),
        at: position,
        length: fc.integer({ min: 1, max: 4096 }),
        times: fc.integer({ min: 2, max: 64 }),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('nest' as const),
        at: position,
        length: position,
        open: fc.constantFrom('[' as const, '{' as const),
        depth: fc.constantFrom(1_000, 10_000, 20_000, 100_000),
        value: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('huge' as const), at: position, size: fc.integer({ min: 1 << 20, max: 8 << 20 }), quoted: fc.boolean() }),
    },
    { weight: 12, arbitrary: fc.record({ kind: fc.constant('invalid-utf8' as const), at: position, sequence: fc.nat({ max: INVALID_UTF8.length - 1 }) }) },
  );
}

/**
 * `bytes` mutated. `others` are the other inputs of the corpus at the same layer, for splices.
 * Positions are taken modulo the length, so that any drawn number names a place.
 */
export function applyMutation(bytes: Uint8Array, mutation: Mutation, others: readonly Uint8Array[]): Buffer {
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = mutation.at % (input.length + 1);
  const before = input.subarray(0, at);
  const after = input.subarray(at);
  let out: Buffer;
  switch (mutation.kind) {
    case 'bitflip': {
      out = Buffer.from(input);
      if (out.length > 0) {
        const place = mutation.at % out.length;
        out[place] = (out[place] as number) ^ (1 << mutation.bit);
      }
      break;
    }
    case 'insert':
      out = Buffer.concat([before, mutation.bytes, after]);
      break;
    case 'delete':
      out = Buffer.concat([before, input.subarray(at + mutation.length)]);
      break;
    case 'truncate':
      out = Buffer.from(before);
      break;
    case 'splice': {
      const other = others.length === 0 ? input : (others[mutation.other % others.length] as Uint8Array);
      out = Buffer.concat([before, Buffer.from(other).subarray(mutation.otherAt % (other.length + 1))]);
      break;
    }
    case 'repeat': {
      const slice = after.subarray(0, mutation.length);
      out = Buffer.concat([before, ...Array.from({ length: mutation.times }, () => slice), after]);
      break;
    }
    case 'nest': {
      // A slice, or (value) the JSON value after the next colon, up to the next comma or brace: then the
      // input often stays JSON, and the nesting reaches what reads it.
      let from = at;
      let to = at + (mutation.length % (after.length + 1));
      if (mutation.value) {
        const colon = input.indexOf(0x3a, at);
        const end = colon === -1 ? -1 : Math.min(...[0x2c, 0x7d].map((byte) => input.indexOf(byte, colon + 1)).filter((place) => place !== -1));
        if (colon !== -1 && Number.isFinite(end)) [from, to] = [colon + 1, end];
      }
      const [open, close] = mutation.open === '[' ? ['[', ']'] : ['{"a":', '}'];
      out = Buffer.concat([
        input.subarray(0, from),
        Buffer.from(open.repeat(mutation.depth)),
        input.subarray(from, to),
        Buffer.from(close.repeat(mutation.depth)),
        input.subarray(to),
      ]);
      break;
    }
    case 'huge': {
      const value = Buffer.alloc(mutation.size, 'A');
      out = Buffer.concat(mutation.quoted ? [before, Buffer.from('"'), value, Buffer.from('"'), after] : [before, value, after]);
      break;
    }
    case 'invalid-utf8':
      out = Buffer.concat([before, Buffer.from(INVALID_UTF8[mutation.sequence] ?? [0xff]), after]);
      break;
  }
  return out.length > MAX_MUTATED_BYTES ? out.subarray(0, MAX_MUTATED_BYTES) : out;
}

/** A mutation as one line, for a finding's report: the inserted bytes as hex, not raw. */
export function describeMutation(mutation: Mutation): string {
  return JSON.stringify(mutation, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value));
}
