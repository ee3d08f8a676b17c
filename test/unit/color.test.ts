import { describe, expect, it } from 'vitest';
import { colorLevel } from '../../src/terminal/color.js';

describe('colour level', () => {
  it('colour on a terminal', () => expect(colorLevel('auto', true, { TERM: 'xterm' })).toBe(1));
  it('256 colours when the terminal says so', () => expect(colorLevel('auto', true, { TERM: 'xterm-256color' })).toBe(2));
  it('none into a pipe', () => expect(colorLevel('auto', false, { TERM: 'xterm' })).toBe(0));
  it('NO_COLOR turns it off on a terminal', () => expect(colorLevel('auto', true, { TERM: 'xterm', NO_COLOR: '1' })).toBe(0));
  it('an empty NO_COLOR does not count', () => expect(colorLevel('auto', true, { TERM: 'xterm', NO_COLOR: '' })).toBe(1));
  it('FORCE_COLOR turns it on into a pipe', () => expect(colorLevel('auto', false, { FORCE_COLOR: '1' })).toBe(1));
  it('FORCE_COLOR=0 turns it off on a terminal', () => expect(colorLevel('auto', true, { TERM: 'xterm', FORCE_COLOR: '0' })).toBe(0));
  it('--color never beats FORCE_COLOR', () => expect(colorLevel('never', true, { FORCE_COLOR: '3' })).toBe(0));
  it('--color always beats NO_COLOR and a pipe', () => expect(colorLevel('always', false, { NO_COLOR: '1' })).toBe(1));
  it('a dumb terminal gets none', () => expect(colorLevel('auto', true, { TERM: 'dumb' })).toBe(0));
});

describe('where colour is decided', () => {
  it('only in terminal/color.ts (chalkFor), from the IO object: no other file picks a level', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const src = new URL('../../src/', import.meta.url).pathname;
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((file) => /\.(ts|js)$/.test(file) && file !== join('terminal', 'color.ts'));
    expect(files.filter((file) => /\b(colorLevel|makeChalk|new Chalk)\s*\(/.test(readFileSync(join(src, file), 'utf8')))).toEqual([]);
  });
});
