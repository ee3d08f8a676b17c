/**
 * The tests' one way to wait: for something they can observe (a line written, a file placed, a
 * process gone), polled, never for a guessed length of time. The deadline only turns a hang into
 * a failure that names what never came; it is not an assertion on how long anything took.
 */
export interface WaitOptions {
  /** What is awaited, for the failure's message. */
  what?: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Something that ends the wait early, as a failure (a child that exited, say): its message explains. */
  giveUp?: () => string | undefined;
}

/** What a condition gives once met: the value it found, or true. */
export type Met<T> = Exclude<T, false | null | undefined | 0 | ''>;

export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitOptions = {}): Promise<Met<T>> {
  const { what = 'a condition', timeoutMs = 15_000, intervalMs = 25 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as Met<T>;
    const reason = options.giveUp?.();
    if (reason !== undefined) throw new Error(`gave up waiting for ${what}: ${reason}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Until the clock the local services stamp records with (this machine's) has moved past `ms`: what
 * was put before now arrived strictly earlier than anything put after. Waits a millisecond or so.
 */
export async function clockPast(ms: number): Promise<void> {
  await waitFor(() => Date.now() > ms, { what: `the clock to pass ${new Date(ms).toISOString()}`, intervalMs: 1 });
}
