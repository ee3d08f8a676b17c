import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This installation's bin/ folder: beside dist/ and src/, whichever this module runs from. */
const BIN_DIR = fileURLToPath(new URL('../../../bin/', import.meta.url));

const realpath = (path: string) => {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
};

/** The das-read a shell with this PATH runs, if any: npm's node_modules/.bin left out, as the user's other terminal lacks it. */
export function dasReadOnPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return (
    (env.PATH ?? '')
      .split(delimiter)
      // npm puts node_modules/.bin on PATH for the script it runs (`npm run lab`), not for the user's other terminal.
      .filter((dir) => dir !== '' && !/(^|[\\/])node_modules[\\/]\.bin[\\/]?$/.test(dir))
      .map((dir) => join(dir, 'das-read'))
      .find((candidate) => {
        try {
          accessSync(candidate, constants.X_OK);
          return true;
        } catch {
          return false;
        }
      })
  );
}

/** Whether `path` is this very installation's das-read (npm link makes a symlink to it). */
export function isOwnBin(path: string): boolean {
  const ours = realpath(join(BIN_DIR, 'das-read'));
  return ours !== undefined && realpath(path) === ours;
}

/**
 * What a shell's `export` needs so that `das-read …` typed in another terminal works: nothing when
 * PATH finds a das-read already (this one after `npm link`, or one the user installed), else this
 * bin/ appended. Appended, not put first: a line pasted from the lab must never change which das-read
 * the user's shell runs; it only fills the gap a newcomer has, who has just cloned and run `npm ci`.
 */
export function pathAssignment(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (dasReadOnPath(env) !== undefined) return undefined;
  return `PATH="$PATH":${shellQuote(BIN_DIR.replace(/\/$/, ''))}`;
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
