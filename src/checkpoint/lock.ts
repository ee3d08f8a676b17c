import { constants } from 'node:fs';
import { link, lstat, mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import { withSystemWords } from '../system-errors.js';
import { assertSafeFolder } from './safe-place.js';

/** Who this process is, as the lock records it: from main, the one file that knows the process. */
export interface LockOwner {
  pid: number;
  /** The running user: the lock and checkpoint must be theirs. Undefined leaves owners uncompared. */
  uid?: number;
  /** When this process started (boot and start time), so that a pid reused by another process is told apart. */
  started?: string;
  /** Whether `pid` is a live process, and, when `started` is given, the one that started then. */
  isAlive(pid: number, started?: string): boolean;
}

/** What a test may set: the clock, the host name, how long another host's lock lives untouched. */
export interface LockSettings {
  now?: () => number;
  host?: string;
  staleMs?: number;
  refreshMs?: number;
}

export interface Lock {
  /** Throws (exit 2) unless the lock file is still the one this run made: called before each write and save. */
  confirm(): Promise<void>;
  release(): Promise<void>;
}

/** How often the holder touches its lock. */
const REFRESH_MS = 5_000;
/** Another host's lock untouched this long has no living holder. */
const STALE_MS = 30_000;

/** This run's lock was replaced or removed: another run may be reading the checkpoint. */
export class LockLostError extends UserError {
  constructor(path: string, how: string) {
    super(
      `stopping: the lock ${path} is no longer this run's (${how}); another run may be reading the same checkpoint`,
      ExitCode.usage,
      'Nothing more is written and the checkpoint keeps the last position this run saved; events written since are repeated by the next run, none is lost.',
    );
    this.name = 'LockLostError';
  }
}

export interface Holder {
  pid: number;
  host: string;
  since: string;
  /** The holder's process start (absent in locks of earlier versions): a live pid of another start is not the holder. */
  started?: string;
}

/**
 * Whether a lock found in place may be taken. A holder alive on this host keeps it whatever its
 * age: a process stopped (SIGSTOP, a suspended VM, heavy swap) resumes writing, and a second
 * reader would double every event from there. Only for another host, whose processes das-read
 * cannot see, does silence mean death: 30 s untouched (its holder touches it every 5 s).
 */
export function judgeLock(
  holder: Holder | undefined,
  ageMs: number,
  host: string,
  isAlive: (pid: number, started?: string) => boolean,
  staleMs = STALE_MS,
): 'take' | 'busy' | 'starting' {
  if (holder && holder.host === host) return isAlive(holder.pid, holder.started) ? 'busy' : 'take';
  if (ageMs > staleMs) return 'take';
  return holder ? 'busy' : 'starting';
}

/**
 * One run per checkpoint: two would both resume from the same position and write the same
 * events twice. The lock file, created exclusively and never through a link, holds the owner's
 * pid, host and start; its holder confirms it is still there, the same file, before each batch.
 */
export async function acquireLock(checkpointPath: string, owner: LockOwner, settings: LockSettings = {}): Promise<Lock> {
  const path = `${checkpointPath}.lock`;
  const now = settings.now ?? Date.now;
  const staleMs = settings.staleMs ?? STALE_MS;
  const me: Holder = {
    pid: owner.pid,
    host: settings.host ?? hostname(),
    since: new Date(now()).toISOString(),
    ...(owner.started ? { started: owner.started } : {}),
  };
  // Saving would create the folder: the lock must not be the one to fail on it.
  await mkdir(dirname(path), { recursive: true, mode: 0o700 }).catch((error: unknown) => {
    throw withSystemWords(error, `create the folder of the checkpoint ${checkpointPath}`);
  });
  await assertSafeFolder(checkpointPath, owner.uid);
  for (let attempt = 0; attempt < 3; attempt++) {
    let file: FileHandle | undefined;
    try {
      file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        const hint =
          code === 'EACCES' || code === 'EPERM'
            ? `das-read writes its lock and each new checkpoint beside the checkpoint: the user running it must be able to write ${dirname(path)} (its owner, as a rule: chown that user ${dirname(path)}).`
            : undefined;
        throw withSystemWords(error, `create the lock ${path}`, hint);
      }
    }
    if (file) {
      try {
        await file.writeFile(JSON.stringify(me) + '\n');
        await file.sync();
        const { ino, dev } = await file.stat();
        return held(path, file, me, { ino, dev }, settings.refreshMs ?? REFRESH_MS);
      } catch (error) {
        await file.close().catch(() => {});
        // An empty lock would hold the next run off for nothing (a full disk, as a rule).
        await unlink(path).catch(() => {});
        throw withSystemWords(error, `write the lock ${path}`);
      }
    }
    const found = await readLock(path, owner.uid);
    if (!found) continue;
    const verdict = judgeLock(found.holder, now() - found.mtimeMs, me.host, (pid, started) => owner.isAlive(pid, started), staleMs);
    if (verdict === 'starting') {
      throw new UserError(
        `another das-read is starting on the checkpoint ${checkpointPath}`,
        undefined,
        `If none is, the lock ${path} expires on its own ${staleMs / 1000} s after it was made.`,
      );
    }
    if (verdict === 'busy' && found.holder) {
      const { pid, host, since } = found.holder;
      throw new UserError(
        `another das-read (pid ${pid} on ${host}, since ${since}) is using the checkpoint ${checkpointPath}`,
        undefined,
        host === me.host
          ? `Two runs on one checkpoint would write the same events twice; a lock whose process is alive is never taken over, however long it has been stopped.${found.holder.started ? '' : ` This lock does not say when its process started (an earlier das-read's): if pid ${pid} is not das-read, remove ${path}.`}`
          : `Two runs on one checkpoint would write the same events twice. If that process is gone, its lock ${path} expires on its own ${staleMs / 1000} s after its last refresh.`,
      );
    }
    await takeAway(path, found);
  }
  throw new UserError(`cannot take the lock ${path}: it keeps reappearing`);
}

interface FoundLock {
  holder: Holder | undefined;
  mtimeMs: number;
  ino: number;
  dev: number;
}

/** The lock in place, read through no link; undefined once it is gone. */
async function readLock(path: string, uid: number | undefined): Promise<FoundLock | undefined> {
  let file: FileHandle;
  try {
    file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP')
      throw new UserError(`refusing the lock ${path}: it is a symbolic link`, ExitCode.usage, `das-read makes its lock itself: remove ${path}.`);
    throw withSystemWords(error, `read the lock ${path}`);
  }
  try {
    const info = await file.stat();
    if (!info.isFile())
      throw new UserError(`refusing the lock ${path}: it is not a regular file`, ExitCode.usage, `das-read makes its lock itself: remove ${path}.`);
    if (uid !== undefined && info.uid !== uid) {
      throw new UserError(
        `refusing the lock ${path}: it belongs to another user (uid ${info.uid})`,
        ExitCode.usage,
        `A lock another user made says nothing of das-read's runs: remove ${path}, and keep checkpoints in a folder only you can write.`,
      );
    }
    const text = info.size > 4096 ? '' : await file.readFile('utf8');
    return { holder: holderIn(text), mtimeMs: info.mtimeMs, ino: info.ino, dev: info.dev };
  } finally {
    await file.close();
  }
}

/**
 * Moved aside first: of two runs that both judged it gone, only one moves it. If what was moved is
 * no longer the lock that was judged (a third run made a new one meanwhile), it is put back.
 */
async function takeAway(path: string, judged: FoundLock): Promise<void> {
  const aside = `${path}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch {
    return; // Another run took it first: look again.
  }
  const moved = await lstat(aside).catch(() => undefined);
  if (moved && (moved.ino !== judged.ino || moved.dev !== judged.dev)) await link(aside, path).catch(() => {});
  await unlink(aside).catch(() => {});
}

function holderIn(text: string): Holder | undefined {
  try {
    const holder = JSON.parse(text) as { pid?: unknown; host?: unknown; since?: unknown; started?: unknown };
    if (typeof holder.pid === 'number' && Number.isSafeInteger(holder.pid) && typeof holder.host === 'string') {
      return {
        pid: holder.pid,
        host: holder.host,
        since: typeof holder.since === 'string' ? holder.since : '?',
        ...(typeof holder.started === 'string' ? { started: holder.started } : {}),
      };
    }
  } catch {
    // Empty or half-written: its writer died between create and write, or is writing now.
  }
  return undefined;
}

function held(path: string, file: FileHandle, me: Holder, mine: { ino: number; dev: number }, refreshMs: number): Lock {
  // Touched through our own descriptor: a lock that replaced ours is not kept alive by us.
  const refresh = setInterval(() => {
    const now = new Date();
    file.utimes(now, now).catch(() => {});
  }, refreshMs);
  refresh.unref();
  const stillMine = async (): Promise<string | undefined> => {
    const found = await readLock(path, undefined).catch(() => undefined);
    if (!found) return 'it is gone';
    const { holder } = found;
    if (found.ino === mine.ino && found.dev === mine.dev && holder?.pid === me.pid && holder.host === me.host && holder.since === me.since) return undefined;
    return holder ? `it is now pid ${holder.pid}'s on ${holder.host}, since ${holder.since}` : 'another file took its place';
  };
  let released = false;
  return {
    async confirm() {
      const lost = await stillMine();
      if (lost === undefined) return;
      throw new LockLostError(path, lost);
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(refresh);
      // Only our own: a run that took over a lock we held too long keeps its lock.
      if ((await stillMine()) === undefined) await unlink(path).catch(() => {});
      await file.close().catch(() => {});
    },
  };
}
