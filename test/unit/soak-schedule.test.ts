import { describe, expect, it } from 'vitest';
import { seeded } from '../../soak/random.js';
import { FAULT_KINDS, faultSchedule, roundsFor } from '../../soak/schedule.js';
import { rssVerdict, type RssSample } from '../../soak/rss.js';

describe('the soak schedule', () => {
  const window = { fromMs: 12_000, toMs: 102_000 };

  it('every kind, a reshard included, as many times as there are rounds, in time order within the window', () => {
    const episodes = faultSchedule(seeded(7), window, roundsFor(2));
    for (const kind of FAULT_KINDS) expect(episodes.filter((episode) => episode.kind === kind)).toHaveLength(2);
    const times = episodes.map((episode) => episode.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(window.fromMs);
    expect(Math.max(...times)).toBeLessThanOrEqual(window.toMs);
    expect(roundsFor(20)).toBe(10);
  });

  it('the seed decides it: the same seed, the same schedule; another seed, another', () => {
    expect(faultSchedule(seeded(42), window, 3)).toEqual(faultSchedule(seeded(42), window, 3));
    expect(faultSchedule(seeded(43), window, 3)).not.toEqual(faultSchedule(seeded(42), window, 3));
  });
});

describe('the soak RSS level', () => {
  const window = { fromMs: 0, toMs: 90_000 };
  /** A sample a second of one das-read started at 0, its RSS given by `mb(at)`. */
  const samples = (mb: (atMs: number) => number, startedAtMs = 0): RssSample[] =>
    Array.from({ length: 90 }, (_, i) => ({ atMs: i * 1000, kb: mb(i * 1000) * 1024, pid: 1, ageMs: i * 1000 - startedAtMs }));

  it('a flat level passes; one the last third grows more than 10% over the middle fails', () => {
    const criteria = { warmUpMs: 10_000, shortestRunMs: 0 };
    expect(
      rssVerdict(
        samples(() => 100),
        window,
        criteria,
      ),
    ).toMatchObject({ judged: true, ratio: 1, ok: true });
    const growing = rssVerdict(
      samples((at) => 100 + at / 1000),
      window,
      criteria,
    );
    expect(growing.ratio).toBeGreaterThan(1.1);
    expect(growing.ok).toBe(false);
  });

  it("a fresh process's start-up is left out; too few settled samples, or a short run, are not judged", () => {
    const restarted = samples((at) => (at < 60_000 ? 100 : at < 65_000 ? 40 : 101)).map((sample) =>
      sample.atMs >= 60_000 ? { ...sample, ageMs: sample.atMs - 60_000 } : sample,
    );
    expect(rssVerdict(restarted, window, { warmUpMs: 5_000, shortestRunMs: 0 })).toMatchObject({ judged: true, ok: true });
    expect(
      rssVerdict(
        samples(() => 100).filter((sample) => sample.atMs % 30_000 === 0),
        window,
        { warmUpMs: 0, shortestRunMs: 0 },
      ),
    ).toMatchObject({ judged: false, ok: true });
    // Growing, but over a minute and a half: every das-read in a short run is still reaching its level.
    expect(
      rssVerdict(
        samples((at) => 100 + at / 1000),
        window,
        { warmUpMs: 10_000 },
      ),
    ).toMatchObject({ judged: false, ok: true });
  });
});
