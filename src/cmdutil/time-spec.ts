import type { StartPosition } from '../kinesis/positions.js';
import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+)([smhd])$/;
const MAX_DURATION_MS = 8.64e15;

/**
 * A moment as users write it: an ISO 8601 time (UTC unless it names a zone) or a
 * duration ago (90s, 15m, 2h, 1d). Returns undefined when it is neither.
 */
function parseMoment(text: string, now: Date): Date | undefined {
  if (DURATION.test(text.trim())) {
    // A duration ago before any date JavaScript holds is no time (an Invalid Date would read as no bound).
    const match = DURATION.exec(text.trim());
    const ago = new Date(now.getTime() - Number(match?.[1]) * (UNIT_MS[match?.[2] ?? 's'] ?? 1_000));
    return Number.isNaN(ago.getTime()) ? undefined : ago;
  }
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(text.trim())) return undefined;
  const iso = text.trim().replace(' ', 'T');
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(iso) || !iso.includes('T') ? iso : `${iso}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The words of `--from` that name a place in a stream, not a time. */
const STREAM_PLACES = new Map<string, 'TRIM_HORIZON' | 'LATEST'>([
  ['trim-horizon', 'TRIM_HORIZON'],
  ['oldest', 'TRIM_HORIZON'],
  ['latest', 'LATEST'],
  ['now', 'LATEST'],
]);
const FROM_TIMES = 'a time (2026-11-25T08:00:00Z) or a duration ago (90s, 15m, 2h)';

/** `--from`: trim-horizon, latest, a time or a duration ago. */
export function parseFrom(text: string, now: Date): StartPosition {
  const place = STREAM_PLACES.get(text.trim().toLowerCase());
  if (place) return { type: place };
  const moment = parseMoment(text, now);
  if (!moment) throw new UsageError(`--from "${text}" is not a position`, `Use trim-horizon, latest, ${FROM_TIMES}.`);
  return { type: 'AT_TIMESTAMP', timestamp: notFuture(moment, now) };
}

/** `show --from`: a time or a duration ago, as a read's; a saved file has no stream to take a place in. */
export function parseFromTime(text: string, now: Date): Date {
  const word = text.trim().toLowerCase();
  if (STREAM_PLACES.has(word)) {
    throw new UsageError(
      `--from ${word} is a place in a live stream: a saved file has only its events' times`,
      `Use ${FROM_TIMES}; without --from every event is shown.`,
    );
  }
  const moment = parseMoment(text, now);
  if (!moment) throw new UsageError(`--from "${text}" is not a time`, `Use ${FROM_TIMES}.`);
  return notFuture(moment, now);
}

function notFuture(moment: Date, now: Date): Date {
  if (moment.getTime() > now.getTime()) throw new UsageError(`--from ${moment.toISOString()} is in the future`);
  return moment;
}

/** A window that ends where, or before, it starts holds nothing: a mistake in the flags. */
export function checkWindow(from: Date | undefined, until: Date | undefined): void {
  if (from && until && until.getTime() <= from.getTime()) throw new UsageError(`--until ${until.toISOString()} is not after --from ${from.toISOString()}`);
}

/** `--until`: a time or a duration ago; events that arrived after it are not read. */
export function parseUntil(text: string, now: Date): Date {
  const moment = parseMoment(text, now);
  if (!moment) throw new UsageError(`--until "${text}" is not a time`, 'Use a time (2026-11-25T09:00:00Z) or a duration ago (15m, 1h).');
  return moment;
}

export function parsePositiveInteger(flag: string, text: string, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new UsageError(`${flag} takes a whole number from 1 to ${max} (got "${text}")`);
  }
  return value;
}

/** A length of time: 90s, 15m, 2h. */
export function parseDuration(flag: string, text: string): number {
  const match = DURATION.exec(text.trim());
  const ms = match ? Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1_000) : NaN;
  // Past a whole number of milliseconds (or a date's range: 100,000,000 days), a duration means nothing.
  if (!(Number.isSafeInteger(ms) && ms <= MAX_DURATION_MS)) throw new UsageError(`${flag} takes a duration like 90s, 15m or 2h (got "${text}")`);
  return ms;
}
