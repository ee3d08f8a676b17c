import type { CappedText } from '../report-data.js';

/** Statements shown in changes and evidence: long enough to read a migration's step, short enough for a 5 MB page. */
export const STATEMENT_CAP = 2_000;
/** Error messages and other reasons. */
export const REASON_CAP = 300;

/** The text cut at `cap` UTF-16 units (never inside a surrogate pair), with what was cut counted. */
export function capped(text: string, cap: number): CappedText {
  if (text.length <= cap) return { text, cut: 0 };
  let end = cap;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { text: text.slice(0, end), cut: text.length - end };
}
