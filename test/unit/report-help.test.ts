import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { memoryIO } from '../helpers/memory-io.js';

// `das-read report --help` is where a new user learns the command: every option its prose names is one report takes.
describe('das-read report --help', () => {
  it('names in its prose only options report takes', async () => {
    const io = memoryIO();
    await run(['report', '--help'], io);
    const help = io.stdout.text;
    const [options, prose] = help.split(/\nExamples:\n/) as [string, string];
    const known = new Set(options.match(/--[a-z][a-z-]+/g));
    expect(known.has('--incremental')).toBe(true);
    // Another command's line, shown in parentheses (how to save events for the report), may name that command's options.
    const own = (prose.split(/\nExit codes:\n/)[0] ?? '').replace(/\(das-read (?!report)[^)]*\)/g, '');
    const named = [...new Set(own.match(/--[a-z][a-z-]+/g))];
    expect(named.filter((option) => !known.has(option))).toEqual([]);
  });
});
