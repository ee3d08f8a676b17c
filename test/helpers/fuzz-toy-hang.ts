// The hanging toy as a module's default export, as the fuzzer loads a target.
export { hangsOnBracket as default } from './fuzz-toys.js';
