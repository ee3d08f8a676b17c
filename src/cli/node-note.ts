import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Where das-read keeps what it remembers between runs: $XDG_STATE_HOME/das-read, else ~/.local/state/das-read. */
export function stateDirOf(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_STATE_HOME;
  // The XDG spec: a relative path there is to be ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, 'das-read');
  return join(env.HOME || homedir(), '.local', 'state', 'das-read');
}

/**
 * Whether Node.js's end-of-life note is due: not shown from this state dir in the last day (a
 * note seen at every run stops being read). Remembers that it is shown now. A state dir that
 * cannot be read or written costs only the remembering: the note is shown, the run goes on.
 */
export async function nodeNoteDue(dir: string, now: Date): Promise<boolean> {
  const path = join(dir, 'node-note');
  const last = Date.parse((await readFile(path, 'utf8').catch(() => '')).trim());
  // Either way: a clock set back must not silence the note for as long as it went back.
  if (Number.isFinite(last) && Math.abs(now.getTime() - last) < DAY_MS) return false;
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await makeDirs(dir);
    // A new file of its own (never through a link left in its place), 0600, then put in place whole.
    await writeFile(temp, `${now.toISOString()}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temp, path);
  } catch {
    // Not remembered: shown again next time.
  }
  return true;
}

/**
 * The folder and those above it, one at a time. Not `mkdir(dir, { recursive: true })`: on Node 20,
 * under /proc (XDG_STATE_HOME=/proc/x) it never returns, and spins a thread that holds the run.
 */
async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
    await makeDirs(dirname(dir));
    await mkdir(dir, { mode: 0o700 });
  }
}
