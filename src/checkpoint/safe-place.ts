import { lstat, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname } from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import { withSystemWords } from '../system-errors.js';

const STICKY = 0o1000;
const WRITABLE_BY_OTHERS = 0o022;

/**
 * A checkpoint tells a root cron job where to read and what to skip, and its folder is where
 * das-read writes: as ssh refuses a key file others can change, das-read refuses a checkpoint
 * another user could replace (through its folder) or rewrite (through the file). `uid` is the
 * running user's; undefined (tests in one process) leaves the owners uncompared.
 */
export async function assertSafeFolder(checkpointPath: string, uid: number | undefined, what = 'checkpoint'): Promise<void> {
  const folder = dirname(checkpointPath);
  let info: Stats;
  try {
    info = await stat(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw withSystemWords(error, `look at the folder of the ${what} ${checkpointPath}`);
  }
  if (uid !== undefined && info.uid !== uid && info.uid !== 0) {
    throw unsafe(
      `the ${what} ${checkpointPath}: its folder ${folder} belongs to another user (uid ${info.uid}), not to the one running das-read (uid ${uid})`,
      `Run das-read as the user who owns ${folder} (as cron runs it), or keep the ${what} in a folder of your own.`,
    );
  }
  if ((info.mode & WRITABLE_BY_OTHERS) !== 0 && (info.mode & STICKY) === 0) {
    throw unsafe(
      `the ${what} ${checkpointPath}: its folder ${folder} can be written by ${writers(info.mode)} (mode ${octal(info.mode)}), so any of them could replace the ${what}`,
      `chmod go-w ${folder} (or give it the sticky bit, chmod +t, as /tmp has)`,
    );
  }
}

/** The checkpoint file itself: ours, written by nobody else; undefined when there is none yet. */
export async function assertSafeFile(path: string, uid: number | undefined, what = 'checkpoint'): Promise<Stats | undefined> {
  let info: Stats;
  try {
    info = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw withSystemWords(error, `look at the ${what} ${path}`);
  }
  assertSafeStats(info, path, uid, what);
  return info;
}

/** What assertSafeFile judges of a file once its lstat is in hand: for a reader that must not wait. */
export function assertSafeStats(info: Stats, path: string, uid: number | undefined, what = 'checkpoint'): void {
  if (info.isSymbolicLink()) {
    throw unsafe(
      `the ${what} ${path}: it is a symbolic link`,
      `das-read replaces its ${what} by renaming a new file over it: ${what === 'checkpoint' ? 'give --checkpoint the file the link points at' : 'keep the real file there, not a link'}.`,
    );
  }
  if (!info.isFile()) throw unsafe(`the ${what} ${path}: it is not a regular file`, what === 'checkpoint' ? 'Name a file with --checkpoint.' : undefined);
  if (uid !== undefined && info.uid !== uid) {
    throw unsafe(
      `the ${what} ${path}: it belongs to another user (uid ${info.uid}), not to the one running das-read (uid ${uid})`,
      `Run das-read as its owner; or, if its content is yours, chown ${uid} ${path}; else move it away and start over with --from.`,
    );
  }
  if ((info.mode & WRITABLE_BY_OTHERS) !== 0) {
    throw unsafe(`the ${what} ${path}: it can be written by ${writers(info.mode)} (mode ${octal(info.mode)})`, `Check its content, then chmod 600 ${path}`);
  }
}

function unsafe(message: string, hint?: string): UserError {
  return new UserError(`refusing ${message}`, ExitCode.usage, hint);
}

/** Who besides the owner may write, in words: a group of several users counts as others, as ssh counts it. */
const writers = (mode: number) => (mode & 0o020 ? (mode & 0o002 ? 'its group and every user' : 'its group') : 'every user');

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');
