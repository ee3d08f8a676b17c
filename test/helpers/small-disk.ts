import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';

// A full disk for real: a small tmpfs, which needs root (CI runs as root and always runs these).
const canMount = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;

/**
 * A describe block whose tests share a 1 MiB tmpfs mounted in `parent()/disk`, skipped (with a
 * word on stderr) where no disk can be mounted, never under CI.
 */
export function describeOnSmallDisk(title: string, parent: () => string, body: (disk: () => string) => void): void {
  if (!canMount && !process.env.CI) console.warn(`skipped "${title}": a full disk (ENOSPC on a tmpfs) needs root to mount one`); // eslint-disable-line no-console
  describe.skipIf(!canMount && !process.env.CI)(title, () => {
    let disk = '';
    beforeAll(async () => {
      disk = join(parent(), 'disk');
      await mkdir(disk);
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk], { encoding: 'utf8' });
      if (mounted.status !== 0) throw new Error(`mount: ${mounted.stderr}`);
    });
    afterAll(() => {
      if (disk) spawnSync('umount', [disk]);
    });
    body(() => disk);
  });
}
