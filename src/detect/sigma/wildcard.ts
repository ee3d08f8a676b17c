// Sigma's plain values: `*` any run of characters, `?` one, `\` escaping either and itself (a lone `\` is itself).

const STAR = 0;
const ONE = 1;
type Token = string | typeof STAR | typeof ONE;

/** The value as literal text and wildcards, by Sigma's escaping rules. */
export function wildcardTokens(value: string): Token[] {
  const tokens: Token[] = [];
  let literal = '';
  for (let at = 0; at < value.length; at++) {
    const char = value[at] as string;
    if (char === '\\') {
      const next = value[at + 1];
      if (next === '*' || next === '?' || next === '\\') {
        literal += next;
        at++;
      } else literal += '\\';
    } else if (char === '*' || char === '?') {
      if (literal !== '') tokens.push(literal);
      literal = '';
      tokens.push(char === '*' ? STAR : ONE);
    } else literal += char;
  }
  if (literal !== '') tokens.push(literal);
  return tokens;
}

/**
 * A test of a whole text against the pattern (`contains` is `*value*`, `startswith` `value*`, ...).
 * Patterns of `*` alone are tested by indexOf, the common contains by includes; `?` needs a RegExp.
 */
export function globTest(tokens: readonly Token[]): (text: string) => boolean {
  // Runs of stars are one star.
  const merged = tokens.filter((token, at) => !(token === STAR && tokens[at - 1] === STAR));
  if (merged.includes(ONE)) {
    const source = merged.map((token) => (token === STAR ? '[\\s\\S]*' : token === ONE ? '[\\s\\S]' : escapeRegExp(token))).join('');
    const pattern = new RegExp(`^${source}$`);
    return (text) => pattern.test(text);
  }
  // Literal pieces between the stars: the first anchors the start unless a star leads, the last the end.
  const pieces: string[] = [''];
  for (const token of merged) {
    if (token === STAR) pieces.push('');
    else pieces[pieces.length - 1] += token as string;
  }
  if (pieces.length === 1) {
    const whole = pieces[0] as string;
    return (text) => text === whole;
  }
  const first = pieces[0] as string;
  const last = pieces[pieces.length - 1] as string;
  const middle = pieces.slice(1, -1).filter((piece) => piece !== '');
  const least = first.length + last.length + middle.reduce((sum, piece) => sum + piece.length, 0);
  if (middle.length === 0) {
    if (first === '') return last === '' ? () => true : (text) => text.endsWith(last);
    return last === '' ? (text) => text.startsWith(first) : (text) => text.length >= least && text.startsWith(first) && text.endsWith(last);
  }
  if (middle.length === 1 && first === '' && last === '') {
    const only = middle[0] as string;
    return (text) => text.includes(only);
  }
  return (text) => {
    if (text.length < least || !text.startsWith(first) || !text.endsWith(last)) return false;
    let at = first.length;
    const end = text.length - last.length;
    for (const piece of middle) {
      const found = text.indexOf(piece, at);
      if (found < 0 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  };
}

export const WILDCARD = { STAR, ONE } as const;

export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
