/** `2019-10-30 00:39:49.990579+00`, `…+00:00`, `…Z`, or no zone (Oracle's, which is UTC); up to 7 fractional digits (SQL Server). */
const DAS_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** The moment a DAS time names, or undefined for text that is not one. */
export function parseDasTime(text: string): Date | undefined {
  return parseDasInstant(text)?.moment;
}

/**
 * The moment to the millisecond, and whether the time goes on past it: DAS gives microseconds
 * (SQL Server ten millionths), so `…00.000400` is after `…00.000` though its Date is not.
 */
export function parseDasInstant(text: string): { moment: Date; pastMillisecond: boolean } | undefined {
  const match = DAS_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], millis);
  // Date.UTC carries what overflows (month 13, 25:00) into the next unit: such text names no moment, it is no time.
  const made = new Date(utc);
  const back = [made.getUTCFullYear(), made.getUTCMonth() + 1, made.getUTCDate(), made.getUTCHours(), made.getUTCMinutes(), made.getUTCSeconds()];
  if (back.some((value, n) => value !== fields[n])) return undefined;
  // +00, +0530, +05:30: hours, then minutes if there are any.
  const [zoneHours, zoneMinutes] = zone === 'Z' ? [0, 0] : [Number(zone.slice(1, 3)), zone.length > 3 ? Number(zone.slice(-2)) : 0];
  if (zoneHours > 14 || zoneMinutes > 59) return undefined;
  const offset = (zone.startsWith('-') ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  const moment = new Date(utc - offset * 60_000);
  return Number.isNaN(moment.getTime()) ? undefined : { moment, pastMillisecond: /[1-9]/.test(fraction.slice(3)) };
}

const two = (n: number) => String(n).padStart(2, '0');

/** `2026-11-25 14:03:06.481` in this machine's zone, or `2026-11-25 13:03:06.481Z` in UTC. */
export function formatMoment(moment: Date, utc: boolean): string {
  const parts = utc
    ? [
        moment.getUTCFullYear(),
        moment.getUTCMonth() + 1,
        moment.getUTCDate(),
        moment.getUTCHours(),
        moment.getUTCMinutes(),
        moment.getUTCSeconds(),
        moment.getUTCMilliseconds(),
      ]
    : [moment.getFullYear(), moment.getMonth() + 1, moment.getDate(), moment.getHours(), moment.getMinutes(), moment.getSeconds(), moment.getMilliseconds()];
  const [year, month, day, hour, minute, second, millis] = parts as [number, number, number, number, number, number, number];
  return `${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)}.${String(millis).padStart(3, '0')}${utc ? 'Z' : ''}`;
}
