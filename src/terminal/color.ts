import { Chalk, type ChalkInstance } from 'chalk';
import type { IO } from './io.js';

export type ColorChoice = 'auto' | 'always' | 'never';
type ColorLevel = 0 | 1 | 2 | 3;

/**
 * Colour only on a terminal, unless told otherwise. chalk's own detection ignores
 * NO_COLOR (no-color.org) and looks at the real process, so the level is decided here.
 */
export function colorLevel(choice: ColorChoice, isTTY: boolean, env: Readonly<Record<string, string | undefined>>): ColorLevel {
  if (choice === 'never') return 0;
  if (choice === 'always') return Math.max(1, levelFromTerm(env)) as ColorLevel;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '1' || force === '2' || force === '3') return Number(force) as ColorLevel;
    return Math.max(1, levelFromTerm(env)) as ColorLevel;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!isTTY || env.TERM === 'dumb') return 0;
  return levelFromTerm(env);
}

function levelFromTerm(env: Readonly<Record<string, string | undefined>>): ColorLevel {
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (env.TERM?.includes('256')) return 2;
  return env.TERM === 'dumb' ? 0 : 1;
}

export function makeChalk(level: ColorLevel): ChalkInstance {
  return new Chalk({ level });
}

/** For output that is never coloured: ndjson and json, a Lambda's log. */
export const colourless = (): ChalkInstance => makeChalk(0);

/** The one place a stream's colour is decided: from --color, that stream's terminal and the environment. */
export function chalkFor(io: Pick<IO, 'stdoutIsTTY' | 'stderrIsTTY' | 'env'>, stream: 'stdout' | 'stderr', choice: ColorChoice = 'auto'): ChalkInstance {
  return makeChalk(colorLevel(choice, stream === 'stdout' ? io.stdoutIsTTY : io.stderrIsTTY, io.env));
}
