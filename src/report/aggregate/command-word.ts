import { fieldText } from '../../events/field-text.js';

const KNOWN = 512;
const known = new Map<string, string>();

/** The command as the classifiers compare it: trimmed, upper-cased; remembered for the few hundred commands a stream uses. */
export function commandOf(command: unknown): string {
  if (typeof command !== 'string') return fieldText(command).trim().toUpperCase();
  const hit = known.get(command);
  if (hit !== undefined) return hit;
  const upper = command.trim().toUpperCase();
  if (known.size < KNOWN) known.set(command, upper);
  return upper;
}

const words = new Map<string, string>();

/** Its first word. */
export function commandWordOf(upper: string): string {
  const hit = words.get(upper);
  if (hit !== undefined) return hit;
  const space = upper.search(/\s/);
  const word = space === -1 ? upper : upper.slice(0, space);
  if (words.size < KNOWN) words.set(upper, word);
  return word;
}
