import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/**
 * A fresh folder under the system's temporary one, for a test file's files: removed with all it
 * holds when the file's tests are done (test/helpers/scratch-cleanup.ts), whatever they left in it.
 */
export async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Every folder scratchDir made in this test file, removed. */
export async function removeScratchDirs(): Promise<void> {
  for (const dir of made) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  made.clear();
}
