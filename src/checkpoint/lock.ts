import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { UserError } from '../errors.js';

/** Who this process is, as the lock records it: from main, the one file that knows the process. */
export interface LockOwner {
  pid: number;
  isAlive(pid: number): boolean;
}

export interface Lock {
  release(): Promise<void>;
}

/**
 * One run per checkpoint: two would both resume from the same position and write the
 * same events twice. The lock file holds the owner's pid and host; a lock left by a
 * process that died (SIGKILL, a crash) is taken over.
 */
export async function acquireLock(checkpointPath: string, owner: LockOwner): Promise<Lock> {
  const path = `${checkpointPath}.lock`;
  const me = { pid: owner.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const file = await open(path, 'wx', 0o600);
      await file.writeFile(JSON.stringify(me) + '\n');
      await file.close();
      return { release: () => unlink(path).catch(() => {}) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot create the lock ${path}: ${(error as Error).message}`);
    }
    const holder = await readHolder(path);
    if (!holder && (await isFresh(path))) {
      throw new UserError(`another das-read is starting on the checkpoint ${checkpointPath}`, undefined, `If none is, delete ${path}.`);
    }
    if (holder && (holder.host !== me.host || owner.isAlive(holder.pid))) {
      throw new UserError(
        `another das-read (pid ${holder.pid} on ${holder.host}, since ${holder.since}) is using the checkpoint ${checkpointPath}`,
        undefined,
        `Two runs on one checkpoint would write the same events twice. If that process is gone, delete ${path}.`,
      );
    }
    await unlink(path).catch(() => {});
  }
  throw new UserError(`cannot take the lock ${path}: it keeps reappearing`);
}

async function readHolder(path: string): Promise<{ pid: number; host: string; since: string } | undefined> {
  try {
    const holder = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown; host?: unknown; since?: unknown };
    if (typeof holder.pid === 'number' && typeof holder.host === 'string') return { pid: holder.pid, host: holder.host, since: String(holder.since ?? '?') };
  } catch {
    // Empty or half-written: its writer died between create and write.
  }
  return undefined;
}

// An empty lock a moment old is one whose owner has not written it yet.
async function isFresh(path: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs < 5_000;
  } catch {
    return false;
  }
}
