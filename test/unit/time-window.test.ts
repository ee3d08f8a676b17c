import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTimeWindow } from '../../src/events/time-window.js';
import { parseFromTime, parseUntil } from '../../src/cmdutil/time-spec.js';
import { toShowOptions } from '../../src/commands/show/show-flags.js';
import { UsageError } from '../../src/errors.js';
import type { DasEvent } from '../../src/decode/types.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { dasTime } from '../../lab/src/das-time.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const at = (iso: string) => new Date(iso);
const nine = at('2026-11-25T09:00:00Z');
const ten = at('2026-11-25T10:00:00Z');
// A saved line's times are whatever its writer put there.
const logged = (logTime: unknown, startTime: unknown = null) => ({ ...postgresEvent(0), logTime, startTime }) as unknown as DasEvent;

describe('show --from / --until: which saved events are inside', () => {
  const window = compileTimeWindow({ from: nine, until: ten });
  const place = (event: DasEvent) => window?.(event);

  it('no end given: no test, every event is shown', () => expect(compileTimeWindow({})).toBeUndefined());

  it('both ends are inside, as a live read keeps them', () => {
    expect(place(logged('2026-11-25 09:00:00.000000+00'))).toBe('inside');
    expect(place(logged('2026-11-25 10:00:00.000000+00'))).toBe('inside');
    expect(place(logged('2026-11-25 09:30:00+00'))).toBe('inside');
  });

  it('a microsecond outside either end is outside, though its millisecond is the end', () => {
    expect(place(logged('2026-11-25 08:59:59.999999+00'))).toBe('outside');
    expect(place(logged('2026-11-25 10:00:00.000001+00'))).toBe('outside');
    // SQL Server's seven digits: a ten-millionth past.
    expect(place(logged('2026-11-25 10:00:00.0000001'))).toBe('outside');
    expect(place(logged('2026-11-25 10:00:00.0000000'))).toBe('inside');
  });

  it("an event's zone is its own: 10:30+01 is 09:30 UTC", () => {
    expect(place(logged('2026-11-25 10:30:00+01'))).toBe('inside');
    expect(place(logged('2026-11-25T10:30:00.5Z'))).toBe('outside');
  });

  it('only one end: the other is open', () => {
    expect(compileTimeWindow({ from: nine })?.(logged('2099-01-01 00:00:00+00'))).toBe('inside');
    expect(compileTimeWindow({ until: ten })?.(logged('1999-01-01 00:00:00+00'))).toBe('inside');
    expect(compileTimeWindow({ until: ten })?.(logged('2026-11-25 10:00:01+00'))).toBe('outside');
  });

  it('logTime first; startTime when logTime is no time', () => {
    expect(place(logged('2026-11-25 11:00:00+00', '2026-11-25 09:30:00+00'))).toBe('outside');
    expect(place(logged(null, '2026-11-25 09:30:00+00'))).toBe('inside');
    expect(place(logged('yesterday', '2026-11-25 09:30:00+00'))).toBe('inside');
  });

  // A date no calendar has is no time: Date.UTC would carry it into the next month, or day, and place it.
  it('neither is a time: untimed, never inside', () => {
    for (const [n, value] of [
      null,
      undefined,
      '',
      'soon',
      1764061200000,
      { toString: 1 },
      '2026-13-45 99:99:99+00',
      '2026-02-30 09:30:00+00',
      '2026-11-25 24:00:00+00',
      '2026-11-25 09:30:00+99',
    ].entries()) {
      expect(place(logged(value, value)), `value ${n}`).toBe('untimed');
    }
  });

  it('agrees with the times counted in microseconds, for any time and window (property)', () => {
    const millis = fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 });
    // Times near an end, a few microseconds either side of it, as well as anywhere.
    const near = fc.record({ base: fc.constantFrom('from', 'until', 'anywhere'), anywhere: millis, micros: fc.integer({ min: -3, max: 3 }) });
    fc.assert(
      fc.property(near, fc.option(millis, { nil: undefined }), fc.option(millis, { nil: undefined }), ({ base, anywhere, micros }, from, until) => {
        const t = ((base === 'from' ? from : base === 'until' ? until : anywhere) ?? anywhere) * 1000 + micros;
        const test = compileTimeWindow({ ...(from === undefined ? {} : { from: new Date(from) }), ...(until === undefined ? {} : { until: new Date(until) }) });
        const inside = (from === undefined || t >= from * 1000) && (until === undefined || t <= until * 1000);
        expect(test?.(logged(dasTime(t))) ?? 'inside').toBe(inside ? 'inside' : 'outside');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('show --from / --until as flags', () => {
  it('the times and durations a live read takes', () => {
    expect(parseFromTime('2026-11-25T08:00:00Z', NOW)).toEqual(at('2026-11-25T08:00:00Z'));
    expect(parseFromTime('2026-11-25 08:00', NOW)).toEqual(at('2026-11-25T08:00:00Z'));
    expect(parseFromTime('2026-11-25T08:00:00+01:00', NOW)).toEqual(at('2026-11-25T07:00:00Z'));
    expect(parseFromTime('2h', NOW)).toEqual(at('2026-11-25T10:00:00Z'));
    expect(toShowOptions({ from: '2h', until: '1h' }, false, NOW).window).toEqual({ from: at('2026-11-25T10:00:00Z'), until: at('2026-11-25T11:00:00Z') });
    expect(toShowOptions({}, false, NOW)).toMatchObject({ window: {}, summary: false });
    expect(toShowOptions({ summary: true }, false, NOW).summary).toBe(true);
    expect(parseUntil('2026-11-25T09:00:00Z', NOW)).toEqual(nine);
  });

  it.each(['trim-horizon', 'latest', 'oldest', 'now', 'LATEST'])('--from %s is a place in a stream: a usage error that says so', (word) => {
    expect(() => parseFromTime(word, NOW)).toThrow(UsageError);
    expect(() => parseFromTime(word, NOW)).toThrow(/a place in a live stream/);
  });

  it.each([
    [{ from: 'yesterday' }, /--from "yesterday" is not a time/],
    [{ from: 'constructor' }, /--from "constructor" is not a time/],
    [{ from: '2027-01-01T00:00:00Z' }, /is in the future/],
    [{ until: 'soon' }, /--until "soon" is not a time/],
    [{ from: '1h', until: '2h' }, /is not after --from/],
    [{ from: '2026-11-25T09:00:00Z', until: '2026-11-25T09:00:00Z' }, /is not after --from/],
  ])('%o is refused before anything is read', (flags, message) => {
    expect(() => toShowOptions(flags, false, NOW)).toThrow(UsageError);
    expect(() => toShowOptions(flags, false, NOW)).toThrow(message);
  });
});

describe('a duration too long for a date', () => {
  // 99999999999d ago is before any date JavaScript holds: an Invalid Date taken as "no bound" let every event in.
  it('is refused as --from, --until and --gap-threshold rather than read as no bound or a crash', async () => {
    const { parseDuration, parseFrom } = await import('../../src/cmdutil/time-spec.js');
    expect(() => parseUntil('99999999999d', NOW)).toThrow(UsageError);
    expect(() => parseFromTime('99999999999d', NOW)).toThrow(UsageError);
    expect(() => parseFrom('9999999999999999999999s', NOW)).toThrow(UsageError);
    expect(() => parseDuration('--gap-threshold', '99999999999d')).toThrow(UsageError);
    expect(parseDuration('--gap-threshold', '3650d')).toBe(3650 * 86_400_000);
    expect(parseUntil('36500d', NOW).getTime()).toBe(NOW.getTime() - 36500 * 86_400_000);
  });
});
