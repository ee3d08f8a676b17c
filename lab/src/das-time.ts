/** DAS's PostgreSQL time format: `2019-10-30 00:39:49.990579+00`, microseconds, not ISO 8601. */
export function dasTime(epochMicros: number): string {
  const millis = Math.floor(epochMicros / 1000);
  const micros = String(Math.floor(epochMicros % 1_000_000)).padStart(6, '0');
  return new Date(millis).toISOString().slice(0, 19).replace('T', ' ') + `.${micros}+00`;
}
