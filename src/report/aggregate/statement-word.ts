/** How far into a statement its first word is looked for: comments before it longer than this are not read through. */
const LOOK = 4_096;

/**
 * The statement's first word, upper-cased, past white space, comments and opening parentheses ('' when none):
 * what Aurora MySQL's QUERY events say only there. A loop, not a regular expression: the text is a client's.
 */
export function firstWordOf(sql: string): string {
  const end = Math.min(sql.length, LOOK);
  let at = 0;
  while (at < end) {
    const char = sql.charCodeAt(at);
    if (char === 0x20 || char === 0x09 || char === 0x0a || char === 0x0d || char === 0x28 || char === 0x3b) at++;
    else if (sql.startsWith('/*', at)) {
      const close = sql.indexOf('*/', at + 2);
      if (close === -1 || close >= end) return '';
      at = close + 2;
    } else if (sql.startsWith('--', at) || char === 0x23) {
      const newline = sql.indexOf('\n', at);
      if (newline === -1 || newline >= end) return '';
      at = newline + 1;
    } else break;
  }
  let stop = at;
  while (stop < end && stop - at < 32) {
    const char = sql.charCodeAt(stop) | 0x20;
    if (char >= 0x61 && char <= 0x7a) stop++;
    else if (sql.charCodeAt(stop) === 0x5f) stop++;
    else break;
  }
  return sql.slice(at, stop).toUpperCase();
}
