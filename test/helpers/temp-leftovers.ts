import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest's global setup: the run's temporary files go to a folder of its own (TMPDIR, which the
 * test workers inherit), and whatever a test leaves there is named at the end, then removed with
 * the folder. A run leaves nothing in the machine's /tmp, and a test that does not clean up is told.
 * Each tier (project) runs this; the first one sets the folder up and the others share it.
 */
export default function setup(): (() => void) | undefined {
  if (process.env.DAS_READ_TEST_TMPDIR !== undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'das-read-tests-'));
  // As /tmp is: a test that hands a folder to another user (cron.e2e's setpriv run) must still reach it.
  chmodSync(dir, 0o1777);
  process.env.DAS_READ_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
  return () => {
    let left: string[];
    try {
      left = readdirSync(dir);
    } catch {
      return;
    }
    // tsx's compile cache (tsx-<uid>), made by the tests that run a script through it: a tool's cache, reused, not a leftover.
    left = left.filter((name) => !/^tsx-\d+$/.test(name));
    if (left.length > 0) {
      process.stderr.write(
        `\n${left.length} temporary ${left.length === 1 ? 'entry' : 'entries'} left by the tests (use test/helpers/scratch-dir.ts, or remove what you make): ${left.sort().join(', ')}\n`,
      );
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
}
