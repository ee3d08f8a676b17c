import { afterEach, describe, expect, it, vi } from 'vitest';
import { BusyTime, ThreadGrowth } from '../../src/decode/thread-growth.js';

/** A running thread as the policy sees it: whether it has records in hand, and its busy time. */
const thread = (inHand = true) => ({ busy: new BusyTime(), inHand });

let growth: ThreadGrowth | undefined;
afterEach(() => {
  growth?.stop();
  growth = undefined;
  vi.useRealTimers();
});

describe('when another decryption thread starts', () => {
  function policy(idleCores: number) {
    let clock = 0;
    growth = new ThreadGrowth({ backlogMs: 1_000, now: () => clock, idleCoreMs: () => clock * idleCores });
    return { growth, at: (ms: number) => (clock = ms) };
  }

  it('not before the threads running have been busy for the whole look, then at once if a core sat idle', () => {
    const { growth, at } = policy(1);
    const threads = [thread()];
    growth.track(threads);
    expect(growth.startAnother(threads, () => {})).toBe(false);
    at(999);
    expect(growth.startAnother(threads, () => {})).toBe(false);
    at(1_000);
    expect(growth.startAnother(threads, () => {})).toBe(true);
  });

  it('not while the least busy thread had records in hand for less than three quarters of the look; the next look counts afresh', () => {
    const { growth, at } = policy(1);
    const busy = thread();
    const idle = thread(false);
    growth.track([busy, idle]);
    expect(growth.startAnother([busy, idle], () => {})).toBe(false);
    at(500);
    idle.inHand = true;
    growth.track([busy, idle]);
    at(1_000);
    expect(growth.startAnother([busy, idle], () => {})).toBe(false);
    at(2_000);
    expect(growth.startAnother([busy, idle], () => {})).toBe(true);
  });

  it.each([
    { idleCores: 0.1, starts: false },
    { idleCores: 0.25, starts: true },
    { idleCores: NaN, starts: true },
  ])('needs a quarter of a core idle over the look, unknown counting as idle (idle cores: $idleCores)', ({ idleCores, starts }) => {
    const { growth, at } = policy(idleCores);
    const threads = [thread()];
    growth.track(threads);
    growth.startAnother(threads, () => {});
    at(1_000);
    expect(growth.startAnother(threads, () => {})).toBe(starts);
  });

  it('looks again once the look is over, by one timer however often it is asked, and not after it stops', () => {
    vi.useFakeTimers();
    const { growth } = policy(1);
    const threads = [thread()];
    const lookAgain = vi.fn();
    growth.startAnother(threads, lookAgain);
    growth.startAnother(threads, lookAgain);
    vi.advanceTimersByTime(1_000);
    expect(lookAgain).toHaveBeenCalledTimes(1);
    growth.startAnother(threads, lookAgain);
    growth.stop();
    vi.advanceTimersByTime(1_000);
    expect(lookAgain).toHaveBeenCalledTimes(1);
  });
});

describe("a thread's busy time", () => {
  it('adds up the spans with records in hand, and a new look drops what was counted', () => {
    const busy = new BusyTime();
    busy.mark(true, 0);
    busy.mark(true, 50);
    busy.mark(false, 100);
    busy.mark(true, 300);
    expect(busy.upTo(400)).toBe(200);
    busy.restart(400);
    expect(busy.upTo(450)).toBe(50);
    busy.mark(false, 450);
    busy.restart(500);
    expect(busy.upTo(900)).toBe(0);
  });
});
