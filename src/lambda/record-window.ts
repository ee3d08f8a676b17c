/** A record's work, settled: its result, or what it threw. Never rejects. */
export type Settled<T> = { value: T; error?: undefined } | { value?: undefined; error: unknown };

export interface WindowOptions<I> {
  /**
   * What a record may hold once decoded, at most, known before it is: a record's inflated size is
   * bounded by its compressed size times gzip's largest ratio, and by the decoder's bound.
   */
  cost(item: I): number;
  /** Started and not yet taken, in cost: never exceeded but by a record started alone. */
  budget: number;
  /** Records started and not yet taken, at most. */
  most: number;
}

/** Records decoded ahead: small ones overlap their KMS calls; the worst case of those under way stays within this. */
export const WINDOW = { budget: 32 * 1024 * 1024, most: 64 } as const;

/**
 * Each item's outcome, in order, the ones after it already under way while their worst case fits
 * the budget: small records overlap their KMS calls, a large one is decoded alone. New work starts
 * only when the consumer asks for the next outcome, so what it holds meanwhile (lines waiting to
 * be delivered) adds to the budget, never multiplies it. A throw in `work` is that item's outcome.
 */
export async function* inOrder<I, T>(
  items: readonly I[],
  work: (item: I, place: number) => Promise<T>,
  options: WindowOptions<I>,
): AsyncGenerator<Settled<T>, void, undefined> {
  const started: Array<{ cost: number; outcome: Promise<Settled<T>> }> = [];
  let next = 0;
  let held = 0;
  const start = () => {
    const place = next++;
    const cost = safeCost(options, items[place] as I);
    held += cost;
    let outcome: Promise<Settled<T>>;
    try {
      outcome = work(items[place] as I, place).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
    } catch (error) {
      outcome = Promise.resolve({ error });
    }
    started.push({ cost, outcome });
  };
  while (next < items.length || started.length > 0) {
    if (started.length === 0) start();
    while (next < items.length && started.length < options.most && held + safeCost(options, items[next] as I) <= options.budget) start();
    const first = started.shift() as (typeof started)[number];
    const outcome = await first.outcome;
    held -= first.cost;
    yield outcome;
  }
}

function safeCost<I>(options: WindowOptions<I>, item: I): number {
  try {
    const cost = options.cost(item);
    return Number.isFinite(cost) && cost >= 0 ? cost : options.budget;
  } catch {
    return options.budget;
  }
}
