import { existsSync, statSync } from 'node:fs';
import { eventOf, linesOf } from './output-lines.js';

/**
 * Follows the output file as das-read appends to it, marking the ids it has seen: how the
 * soak knows das-read has caught up once production stops. The audit reads the file again.
 */
export class SeenIds {
  #seen = new Uint8Array(1 << 16);
  #offset = 0;
  /** Every id below this one was seen. */
  #allBelow = 0;

  constructor(private readonly path: string) {}

  /** Reads what was appended since the last call; returns how many of the ids below `produced` are not seen yet. */
  missingBelow(produced: number): number {
    if (existsSync(this.path) && statSync(this.path).size > this.#offset) {
      for (const line of linesOf(this.path, this.#offset)) {
        if (!line.ended) break;
        this.#offset = line.start + line.text.length + 1;
        this.#mark(line.text);
      }
    }
    while (this.#allBelow < produced && this.#seen[this.#allBelow] === 1) this.#allBelow++;
    if (this.#allBelow >= produced) return 0;
    let missing = 0;
    for (let id = this.#allBelow; id < produced; id++) if (this.#seen[id] !== 1) missing++;
    return missing;
  }

  #mark(text: Buffer): void {
    // A line a kill cut short has the next run's first line after it: that event counts too.
    let event = eventOf(text);
    for (let at = text.indexOf('{"', 1); !event && at !== -1; at = text.indexOf('{"', at + 1)) event = eventOf(text.subarray(at));
    if (!event || !Number.isInteger(event.id) || event.id < 0) return;
    while (event.id >= this.#seen.length) {
      const grown = new Uint8Array(this.#seen.length * 2);
      grown.set(this.#seen);
      this.#seen = grown;
    }
    this.#seen[event.id] = 1;
  }
}
