/**
 * Characters of untrusted text that a terminal would act on instead of showing, or that reorder
 * what is shown: C0 controls, DEL, C1 controls (U+009B is a one-character CSI), the bidirectional
 * marks, embeddings, overrides and isolates ("Trojan Source"), and the invisible separators and
 * joiners around them.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\u0000': '\\0', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u001b': '\\e' };

function escapeOf(character: string): string {
  const named = NAMED[character];
  if (named) return named;
  const code = character.charCodeAt(0);
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Untrusted text as a terminal may show it: every character above written out (`\e`, `\x07`,
 * `\u202e`), styled by `mark` (dim, where there is colour) so the reader sees something was
 * attempted. The result holds no control character of its own, so one event stays one line.
 */
export function visible(text: string, mark: (escape: string) => string = (escape) => escape): string {
  return text.replace(HIDDEN, (character) => mark(escapeOf(character)));
}

/** Keeps line breaks (das-read's own messages have hints on lines of their own), shows the rest. */
export function visibleLines(text: string, mark?: (escape: string) => string): string {
  return text
    .split('\n')
    .map((line) => visible(line, mark))
    .join('\n');
}
