import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pathAssignment } from '../../src/commands/lab/own-bin.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe("the lab's PATH hint", () => {
  it('is given under `npm run lab`, whose node_modules/.bin finds this das-read for the script alone', () => {
    // The lab workspace depends on das-read, so npm links this very bin into node_modules/.bin.
    expect(existsSync(`${ROOT}node_modules/.bin/das-read`)).toBe(true);
    expect(pathAssignment({ PATH: `${ROOT}node_modules/.bin:/usr/bin:/bin` })).toBe(`PATH=${ROOT}bin:"$PATH"`);
  });

  it("is left out when the user's own PATH already finds this das-read (after npm link)", () => {
    expect(pathAssignment({ PATH: `/usr/bin:${ROOT}bin` })).toBeUndefined();
  });
});
