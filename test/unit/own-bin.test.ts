import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dasReadOnPath, isOwnBin, pathAssignment } from '../../src/commands/lab/own-bin.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Folders made here, not the machine's /usr/bin: what is installed there (after `npm link`, say) must not decide a test.
const home = mkdtempSync(join(tmpdir(), 'das-read-own-bin-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** A folder holding only what `make` puts there, as PATH would list it. */
function folder(name: string, make: (dir: string) => void = () => {}): string {
  const dir = join(home, name);
  mkdirSync(dir);
  make(dir);
  return dir;
}
const empty = folder('empty');
const linked = folder('linked', (dir) => symlinkSync(`${ROOT}bin/das-read`, join(dir, 'das-read')));
const installed = folder('installed', (dir) => {
  writeFileSync(join(dir, 'das-read'), '#!/bin/sh\necho another das-read\n');
  chmodSync(join(dir, 'das-read'), 0o755);
});

describe("the lab's PATH hint", () => {
  it('under `npm run lab`, whose node_modules/.bin finds this das-read for the script alone: this bin/, appended', () => {
    // The lab workspace depends on das-read, so npm links this very bin into node_modules/.bin.
    expect(existsSync(`${ROOT}node_modules/.bin/das-read`)).toBe(true);
    expect(pathAssignment({ PATH: `${ROOT}node_modules/.bin:${empty}` })).toBe(`PATH="$PATH":${ROOT}bin`);
  });

  it("is left out when the user's own PATH already finds this das-read (after npm link)", () => {
    expect(pathAssignment({ PATH: `${empty}:${linked}` })).toBeUndefined();
    expect(isOwnBin(dasReadOnPath({ PATH: `${empty}:${linked}` }) ?? '')).toBe(true);
  });

  it('never puts this bin/ ahead of a das-read the user installed: left out, and that one named as not this one', () => {
    expect(pathAssignment({ PATH: `${ROOT}node_modules/.bin:${installed}` })).toBeUndefined();
    const found = dasReadOnPath({ PATH: `${ROOT}node_modules/.bin:${empty}:${installed}:${linked}` });
    expect(found).toBe(join(installed, 'das-read'));
    expect(isOwnBin(found ?? '')).toBe(false);
  });
});
