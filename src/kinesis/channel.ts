/**
 * A bounded queue between many producers (one per shard) and one consumer. A full
 * channel makes producers wait, so a slow stdout slows the reading instead of filling memory.
 */
export class Channel<T> {
  readonly #items: T[] = [];
  readonly #spaceWaiters: Array<() => void> = [];
  #itemWaiter: (() => void) | undefined;
  #closed = false;
  #failure: { error: unknown } | undefined;

  constructor(readonly capacity: number) {}

  /** Resolves once the item is queued, or at once (dropping it) if the channel is closed. */
  async push(item: T): Promise<void> {
    while (this.#items.length >= this.capacity && !this.#closed) {
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
    }
    if (this.#closed) return;
    this.#items.push(item);
    this.#wakeConsumer();
  }

  close(): void {
    this.#closed = true;
    this.#wakeAll();
  }

  fail(error: unknown): void {
    if (!this.#failure) this.#failure = { error };
    this.close();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.#failure) throw this.#failure.error;
      const item = this.#items.shift();
      if (item !== undefined) {
        this.#spaceWaiters.shift()?.();
        yield item;
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => (this.#itemWaiter = resolve));
    }
  }

  #wakeConsumer(): void {
    const waiter = this.#itemWaiter;
    this.#itemWaiter = undefined;
    waiter?.();
  }

  #wakeAll(): void {
    this.#wakeConsumer();
    for (const waiter of this.#spaceWaiters.splice(0)) waiter();
  }
}
