/**
 * The names a mistyped one was likely meant to be, as git and gh suggest them: first every name the
 * word begins (`stat` is how `status` starts), then the closest ones, at most two edits away (a swap
 * of neighbours counts as one) and fewer than half the word; none when nothing is that close.
 */
export function closest(word: string, names: readonly string[]): string[] {
  const typed = word.toLowerCase();
  const begun = typed === '' ? [] : names.filter((name) => name.toLowerCase().startsWith(typed));
  const limit = Math.min(2, Math.ceil(word.length / 2) - 1);
  const scored = names.map((name) => ({ name, distance: editDistance(typed, name.toLowerCase()) })).filter(({ distance }) => distance <= limit);
  const best = Math.min(...scored.map(({ distance }) => distance));
  const near = scored.filter(({ distance }) => distance === best).map(({ name }) => name);
  return [...new Set([...begun, ...near])];
}

/** `a`, `a or b`, `a, b or c`. */
export function eitherOf(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = distance;
    }
  }
  return at(a.length, b.length);
}
