import { mkdir, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { withSystemWords } from '../system-errors.js';

/** Who this process is, as the lock records it: from main, the one file that knows the process. */
export interface LockOwner {
  pid: number;
  isAlive(pid: number): boolean;
}

export interface Lock {
  release(): Promise<void>;
}

/** How often the holder touches its lock. */
const REFRESH_MS = 5_000;
/** A lock untouched this long has no living holder, whatever its pid or host says. */
const STALE_MS = 30_000;

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/**
 * One run per checkpoint: two would both resume from the same position and write the
 * same events twice. The lock file holds the owner's pid and host, and its holder touches it
 * every few seconds. A lock is taken over when its holder is gone: at once when the pid is
 * dead on this host, and after 30 s untouched otherwise (a pid reused by another process,
 * a container recreated under another host name), so a lock never needs a person.
 */
export async function acquireLock(checkpointPath: string, owner: LockOwner): Promise<Lock> {
  const path = `${checkpointPath}.lock`;
  const me: Holder = { pid: owner.pid, host: hostname(), since: new Date().toISOString() };
  // Saving would create the folder: the lock must not be the one to fail on it.
  await mkdir(dirname(path), { recursive: true, mode: 0o700 }).catch((error: unknown) => {
    throw withSystemWords(error, `create the folder of the checkpoint ${checkpointPath}`);
  });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const file = await open(path, 'wx', 0o600);
      try {
        await file.writeFile(JSON.stringify(me) + '\n');
      } catch (error) {
        // An empty lock would hold the next run off for nothing (a full disk, as a rule).
        await unlink(path).catch(() => {});
        throw withSystemWords(error, `write the lock ${path}`);
      } finally {
        await file.close();
      }
      return held(path, me);
    } catch (error) {
      if (error instanceof UserError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw withSystemWords(error, `create the lock ${path}`);
    }
    const holder = await readHolder(path);
    const age = await ageOf(path);
    if (age === undefined) continue;
    const stale = age > STALE_MS;
    if (!holder && !stale) {
      throw new UserError(`another das-read is starting on the checkpoint ${checkpointPath}`, undefined, `If none is, the lock ${path} expires on its own ${STALE_MS / 1000} s after it was made.`);
    }
    const gone = stale || (holder !== undefined && holder.host === me.host && !owner.isAlive(holder.pid));
    if (!gone && holder) {
      throw new UserError(
        `another das-read (pid ${holder.pid} on ${holder.host}, since ${holder.since}) is using the checkpoint ${checkpointPath}`,
        undefined,
        `Two runs on one checkpoint would write the same events twice. If that process is gone, its lock ${path} expires on its own ${STALE_MS / 1000} s after its last refresh.`,
      );
    }
    // Moved aside, not deleted: of two runs that both found it stale, only one moves it.
    const aside = `${path}.stale-${me.pid}`;
    try {
      await rename(path, aside);
      await unlink(aside);
    } catch {
      // Another run took it first: look again.
    }
  }
  throw new UserError(`cannot take the lock ${path}: it keeps reappearing`);
}

function held(path: string, me: Holder): Lock {
  const refresh = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => {});
  }, REFRESH_MS);
  refresh.unref();
  return {
    async release() {
      clearInterval(refresh);
      // Only our own: a run that took over a lock we held too long keeps its lock.
      const holder = await readHolder(path);
      if (holder?.pid === me.pid && holder.since === me.since && holder.host === me.host) await unlink(path).catch(() => {});
    },
  };
}

async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const holder = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown; host?: unknown; since?: unknown };
    if (typeof holder.pid === 'number' && typeof holder.host === 'string') return { pid: holder.pid, host: holder.host, since: String(holder.since ?? '?') };
  } catch {
    // Empty or half-written: its writer died between create and write, or is writing now.
  }
  return undefined;
}

/** Since the holder last touched it; undefined once it is gone. */
async function ageOf(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}
