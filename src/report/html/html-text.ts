// The one way a value reaches the report's HTML: as text. Every string in ReportData may come from a database client
// (SQL, user and application names, hosts, error messages) or a user's rule file (titles), so none is ever markup.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\r': '&#13;' };
// NUL cannot live in an HTML text node (the parser drops it) and a lone surrogate cannot be written as UTF-8:
// both are shown as U+FFFD, as a UTF-8 decoder would show them, rather than vanish. A CR is kept as a reference,
// or the parser would fold it into the LF the page shows.
const UNSAFE = /[&<>"'\r]|\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for an HTML text node or a double-quoted attribute value: the same escape serves both. */
export function escapeHtml(value: string): string {
  return value.replace(UNSAFE, (char) => ENTITIES[char] ?? '\uFFFD');
}

/** What a browser shows of escapeHtml(value): the value itself, but for the characters HTML cannot carry. */
export function shownText(value: string): string {
  return value.replace(/\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * JSON for a <script type="application/json">: nothing in it can end the script (`</script`), open a comment the
 * parser would track (`<!--`), or break a JavaScript reader (U+2028, U+2029), because each of <, >, &, U+2028 and
 * U+2029 is written as its \uXXXX escape, which JSON.parse reads back as the same character.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A time as the report shows it: UTC, to the second ("2026-12-07 11:52:15Z"); a dash when unknown. */
export function utcTime(millis: number | null): string {
  if (millis === null || !Number.isFinite(millis)) return '—';
  const iso = new Date(millis).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/** A count with thousands separated, the same in every locale. */
export function count(value: number): string {
  return Math.trunc(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A length of time, to the two largest units that matter ("3 h 20 min", "45 s"). */
export function duration(millis: number): string {
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ];
  if (millis < 1000) return `${Math.max(0, Math.round(millis))} ms`;
  const parts: string[] = [];
  let rest = millis;
  for (const [unit, size] of units) {
    const whole = Math.floor(rest / size);
    if (whole > 0 || parts.length > 0) parts.push(`${whole} ${unit}`);
    rest -= whole * size;
    if (parts.length === 2) break;
  }
  return parts.filter((part) => !part.startsWith('0 ')).join(' ');
}
