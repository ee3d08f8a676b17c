import { checkWindow, parseFromTime, parseUntil } from '../../cmdutil/time-spec.js';
import type { SHOW } from './show-command.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import { showingOf } from '../../cmdutil/output-flags.js';

/** `das-read show`: the reading flags it shares, checked the same way; --from and --until are times in its events. */
export function toShowOptions(flags: FlagsOf<typeof SHOW>, stdoutIsTTY: boolean, now: Date) {
  const from = flags.from === undefined ? undefined : parseFromTime(flags.from, now);
  const until = flags.until === undefined ? undefined : parseUntil(flags.until, now);
  checkWindow(from, until);
  return {
    ...showingOf(flags, stdoutIsTTY),
    window: { ...(from ? { from } : {}), ...(until ? { until } : {}) },
    summary: flags.summary ?? false,
    quiet: flags.quiet ?? false,
    debug: flags.debug ?? false,
  };
}
