import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces a file atomically: a reader (or a crash) sees the old file or the new one, never half of
 * one. Temp file in the same folder, mode 0600, fsync, rename, then fsync the folder so the rename
 * itself survives a power cut. A failure leaves the old file and no temporary one (unless the process
 * is killed: removeLeftoverTemps).
 */
export async function replaceFile(path: string, data: string | Uint8Array): Promise<void> {
  const folder = dirname(path);
  // A name nobody can have planted a link at, created exclusively and never through a link.
  const temp = join(folder, `${tempPrefix(path)}${randomBytes(8).toString('hex')}.tmp`);
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const file = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await file.writeFile(data);
      await file.chmod(0o600);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
    const dir = await open(folder, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

const tempPrefix = (path: string) => `.${basename(path)}.`;

/**
 * Temporary files a killed run left beside `path`. Called under a lock, so none is being written;
 * unlink removes a name, never what a link points at.
 */
export async function removeLeftoverTemps(path: string): Promise<void> {
  const folder = dirname(path);
  const prefix = tempPrefix(path);
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(prefix) && /^[0-9a-f]{16}\.tmp$/.test(name.slice(prefix.length))) await unlink(join(folder, name)).catch(() => {});
  }
}
