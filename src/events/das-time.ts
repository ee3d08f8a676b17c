/** `2019-10-30 00:39:49.990579+00`, `…+00:00`, `…Z`, or no zone (Oracle's, which is UTC); up to 7 fractional digits (SQL Server). */
const DAS_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** The moment a DAS time names, or undefined for text that is not one. */
export function parseDasTime(text: string): Date | undefined {
  const match = DAS_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), millis);
  // +00, +0530, +05:30: hours, then minutes if there are any.
  const offset = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + (zone.length > 3 ? Number(zone.slice(-2)) : 0));
  const moment = new Date(utc - offset * 60_000);
  return Number.isNaN(moment.getTime()) ? undefined : moment;
}

const two = (n: number) => String(n).padStart(2, '0');

/** `2026-11-25 14:03:06.481` in this machine's zone, or `2026-11-25 13:03:06.481Z` in UTC. */
export function formatMoment(moment: Date, utc: boolean): string {
  const parts = utc
    ? [moment.getUTCFullYear(), moment.getUTCMonth() + 1, moment.getUTCDate(), moment.getUTCHours(), moment.getUTCMinutes(), moment.getUTCSeconds(), moment.getUTCMilliseconds()]
    : [moment.getFullYear(), moment.getMonth() + 1, moment.getDate(), moment.getHours(), moment.getMinutes(), moment.getSeconds(), moment.getMilliseconds()];
  const [year, month, day, hour, minute, second, millis] = parts as [number, number, number, number, number, number, number];
  return `${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)}.${String(millis).padStart(3, '0')}${utc ? 'Z' : ''}`;
}
