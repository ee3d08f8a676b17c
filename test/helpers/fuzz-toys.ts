// Toy fuzz targets with a bug planted on purpose, for the engine's own test: one input a mutation
// makes easily (a truncation, a bracket inserted) breaks each.
import type { FuzzTarget } from '../../fuzz/target.js';

/** Crashes on an input cut to fewer than 4 bytes, as a parser indexing past its input would. */
export const crashesWhenShort: FuzzTarget = {
  async run(input) {
    if (input.length < 4) throw new TypeError(`planted: cannot read byte 3 of ${input.length}`);
    return input.length % 2 === 0 ? 'even' : 'odd';
  },
};

/** Never returns from an input that opens a bracket, as a parser stuck in a loop would. */
export const hangsOnBracket: FuzzTarget = {
  async run(input) {
    if (input.includes(0x5b)) for (;;);
    return 'no bracket';
  },
};

export default crashesWhenShort;
