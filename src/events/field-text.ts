/**
 * An event field as text. Engines drift (a number where a string was, an object where a name was),
 * and a database client writes the values: `String()` of an object whose `toString` is not a
 * function throws, and of one that is, obeys it. A field that is not a string, number or boolean
 * is its JSON (events are bounded in depth where they are read, so JSON.stringify has the stack).
 */
export function fieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
