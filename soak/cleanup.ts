/**
 * What the soak started, undone in reverse order however it ends: an error, a failed
 * invariant, or Ctrl-C. Children and the temporary folder never outlive it.
 */
export class Cleanup {
  readonly #steps: Array<() => unknown> = [];
  #running: Promise<void> | undefined;

  add(step: () => unknown): void {
    this.#steps.push(step);
  }

  run(log: (line: string) => void): Promise<void> {
    this.#running ??= (async () => {
      for (const step of this.#steps.reverse()) {
        try {
          // A step that hangs must not keep the others (the children's ends) from running.
          await Promise.race([step(), new Promise((_, reject) => setTimeout(() => reject(new Error('a step took over 15 s')), 15_000).unref())]);
        } catch (error) {
          log(`cleaning up: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.#running;
  }
}
