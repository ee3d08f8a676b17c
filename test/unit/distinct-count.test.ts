import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DistinctCount, hash52 } from '../../src/report/aggregate/distinct-count.js';
import { ReportStateError } from '../../src/report/report-state-error.js';

describe('DistinctCount', () => {
  it('counts the names a Set would, before and after it spills to hashes, and across a saved state (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 400 }), fc.nat(400), (names, split) => {
        const whole = new DistinctCount(50);
        for (const name of names) whole.add(name);
        expect(whole.size).toBe(new Set(names).size);
        const first = new DistinctCount(50);
        for (const name of names.slice(0, split)) first.add(name);
        const resumed = DistinctCount.fromState(JSON.parse(JSON.stringify(first.toState())), 'users', 50);
        for (const name of names.slice(split)) resumed.add(name);
        expect(resumed.size).toBe(whole.size);
      }),
      { numRuns: 300 },
    );
  });

  it('counts a flood of a million names exactly, past the names it keeps', () => {
    const count = new DistinctCount();
    for (let n = 0; n < 1_000_000; n++) count.add(`user-${n}`);
    for (let n = 0; n < 1_000_000; n += 7) count.add(`user-${n}`);
    expect(count.size).toBe(1_000_000);
    expect('hashes' in (count.toState() as object)).toBe(true);
  });

  it('refuses a saved count that is neither names nor hashes, one repeated, or hashes out of range', () => {
    expect(() => DistinctCount.fromState(['a', 'a'], 'users', 5)).toThrow(ReportStateError);
    expect(() => DistinctCount.fromState({ hashes: [1, 2] }, 'users', 5)).toThrow(/neither names nor the hashes/);
    expect(() => DistinctCount.fromState({ hashes: [1, 2, 3, 4, 5, 5] }, 'users', 5)).toThrow(/repeats a hash/);
    expect(() => DistinctCount.fromState({ hashes: [1, 2, 3, 4, 5, 2 ** 52] }, 'users', 5)).toThrow(/not one/);
    expect(() => DistinctCount.fromState('x', 'users', 5)).toThrow(ReportStateError);
  });

  it('hashes to 52 bits, never 0', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const hash = hash52(text);
        expect(Number.isSafeInteger(hash) && hash >= 1 && hash < 2 ** 52).toBe(true);
      }),
    );
  });
});
