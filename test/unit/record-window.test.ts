import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inOrder, type Settled } from '../../src/lambda/record-window.js';

/** Work whose every item finishes when the test says: what was under way at each moment is seen. */
function controlled() {
  const waiting = new Map<number, { resolve: (value: number) => void; reject: (error: unknown) => void }>();
  let running = 0;
  let most = 0;
  const work = (item: number) =>
    new Promise<number>((resolve, reject) => {
      running++;
      most = Math.max(most, running);
      waiting.set(item, {
        resolve: (value) => (running--, resolve(value)),
        reject: (error) => (running--, reject(error)),
      });
    });
  return { work, waiting, mostRunning: () => most, running: () => running };
}

async function collect<T>(outcomes: AsyncIterable<Settled<T>>): Promise<Array<Settled<T>>> {
  const all: Array<Settled<T>> = [];
  for await (const outcome of outcomes) all.push(outcome);
  return all;
}

describe('records decoded a few at a time, in order', () => {
  it("yields every outcome in order, whatever order the work finishes in, with a throw as its item's outcome", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 300 }),
        async (costs, most, budget) => {
          const items = costs.map((_, place) => place);
          const outcomes = await collect(
            inOrder(
              items,
              (item) =>
                item % 5 === 3
                  ? Promise.reject(new Error(`no ${item}`))
                  : item % 7 === 6
                    ? (() => {
                        throw new Error(`sync ${item}`);
                      })()
                    : new Promise<number>((resolve) => setTimeout(() => resolve(item * 10), (item * 7) % 5)),
              { cost: (item) => costs[item] as number, budget, most },
            ),
          );
          expect(outcomes.map((outcome) => ('error' in outcome ? (outcome.error as Error).message : outcome.value))).toEqual(
            items.map((item) => (item % 5 === 3 ? `no ${item}` : item % 7 === 6 ? `sync ${item}` : item * 10)),
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('starts no more than `most`, and none past the budget but one alone', async () => {
    const { work, waiting, mostRunning, running } = controlled();
    const costs = [10, 10, 10, 50, 10, 10];
    const outcomes = inOrder([0, 1, 2, 3, 4, 5], work, { cost: (item) => costs[item] as number, budget: 30, most: 2 });
    const first = outcomes.next();
    await Promise.resolve();
    expect([...waiting.keys()]).toEqual([0, 1]);
    waiting.get(0)?.resolve(0);
    expect((await first).value).toEqual({ value: 0 });
    // Asked for the next: 2 starts (20 of 30 with 1), 3 would pass the budget.
    const second = outcomes.next();
    await Promise.resolve();
    expect([...waiting.keys()]).toEqual([0, 1, 2]);
    waiting.get(1)?.resolve(1);
    expect((await second).value).toEqual({ value: 1 });
    const third = outcomes.next();
    await Promise.resolve();
    expect([...waiting.keys()]).toEqual([0, 1, 2]);
    waiting.get(2)?.resolve(2);
    expect((await third).value).toEqual({ value: 2 });
    // Nothing under way: the large one starts alone.
    const fourth = outcomes.next();
    await Promise.resolve();
    expect([...waiting.keys()]).toEqual([0, 1, 2, 3]);
    expect(running()).toBe(1);
    waiting.get(3)?.resolve(3);
    expect((await fourth).value).toEqual({ value: 3 });
    const rest = collect({ [Symbol.asyncIterator]: () => outcomes });
    await Promise.resolve();
    waiting.get(4)?.resolve(4);
    await new Promise((resolve) => setImmediate(resolve));
    waiting.get(5)?.resolve(5);
    expect(await rest).toEqual([{ value: 4 }, { value: 5 }]);
    expect(mostRunning()).toBeLessThanOrEqual(2);
  });
});
