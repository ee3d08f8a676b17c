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

/**
 * What a shell's `export` needs so that `das-read …` typed in another terminal runs this very
 * installation: nothing when PATH finds it already (after `npm link`), else this bin/ in front.
 * A newcomer has only cloned the repository and run `npm ci`: the lab's hints must work then.
 */
export function pathAssignment(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const ours = realpath(join(BIN_DIR, 'das-read'));
  const onPath = (env.PATH ?? '')
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
    });
  if (ours === undefined || (onPath !== undefined && realpath(onPath) === ours)) return undefined;
  return `PATH=${shellQuote(BIN_DIR.replace(/\/$/, ''))}:"$PATH"`;
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
