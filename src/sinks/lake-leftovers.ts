import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { LakeFiles } from './lake-files.js';

/** Who is writing: another run's folder is left alone while its process lives. */
export interface LakeRunner {
  pid: number;
  host: string;
  isAlive(pid: number): boolean;
}

/** A file of a run's scratch folder still being written: never complete, never placed. */
export const HALF_MADE = '.partial';

/** A half-made file older than this was left by a run that died: no file takes an hour to write. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

const safeHost = (host: string) => host.replace(/[^A-Za-z0-9.-]/g, '_');

/** `<pid>@<host>.<random>`: names whose the folder is, so that a later run can tell that its writer is gone. */
export function runFolderName(runner: LakeRunner): string {
  return `${runner.pid}@${safeHost(runner.host)}.${randomUUID().slice(0, 8)}`;
}

function ownerOf(name: string): { pid: number; host: string } | undefined {
  const match = /^(\d+)@(.+)\.[0-9a-f]{8}$/.exec(name);
  return match ? { pid: Number(match[1]), host: match[2] as string } : undefined;
}

/**
 * What runs that died left in the scratch folder, dealt with before this one writes: a half-made
 * file is deleted (its events were never checkpointed: they are read again), and a complete one
 * waiting for its rename is placed in the tree (the checkpoint may already be past its events,
 * so deleting it could lose them; placing it repeats at most that one file's events). A run's
 * folder is another's while its process lives on this host; one untouched for an hour is dead
 * wherever it ran. Loose files (left by versions before run folders) go after the hour too.
 * Returns the files placed, relative to `root`.
 */
export async function clearLeftovers(files: LakeFiles, scratch: string, root: string, runner: LakeRunner, now: number): Promise<string[]> {
  const placed: string[] = [];
  const cutoff = now - ABANDONED_AFTER_MS;
  for (const name of await files.list(scratch)) {
    const path = join(scratch, name);
    const owner = ownerOf(name);
    const deadHere = owner !== undefined && owner.host === safeHost(runner.host) && !runner.isAlive(owner.pid);
    if (!deadHere && (await lastChange(files, path, owner !== undefined)) >= cutoff) continue;
    if (owner) {
      for (const file of await files.filesUnder(path)) {
        if (file.endsWith(HALF_MADE)) continue;
        const target = join(root, file);
        await files.mkdir(dirname(target));
        // Another run clearing the same leftovers may have placed it first.
        const moved = await files.rename(join(path, file), target).then(
          () => true,
          (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)),
        );
        if (!moved) continue;
        await files.syncFolder(dirname(target));
        placed.push(file);
      }
    }
    await files.remove(path);
  }
  return placed;
}

/** The newest change in a run's folder (its files' included); a loose file's own. */
async function lastChange(files: LakeFiles, path: string, isRunFolder: boolean): Promise<number> {
  const own = (await files.modifiedAt(path)) ?? Number.POSITIVE_INFINITY;
  if (!isRunFolder) return own;
  const inside = await Promise.all((await files.filesUnder(path).catch(() => [])).map((file) => files.modifiedAt(join(path, file))));
  return Math.max(own, ...inside.map((time) => time ?? Number.NEGATIVE_INFINITY));
}
