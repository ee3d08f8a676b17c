import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SKIPPED = new Set(['node_modules', '.git', 'dist']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

// A user clones only this repository: whatever sits beside it on a developer's machine is not there.
describe('the repository holds everything its tests read', () => {
  const lone = mkdtempSync(join(tmpdir(), 'das-read-lone-'));
  afterAll(() => rmSync(lone, { recursive: true, force: true }));

  it('no source under src/, test/ or bench/ names a path into a sibling folder', () => {
    const offenders = ['src', 'test', 'bench']
      .flatMap((dir) => sourceFiles(join(ROOT, dir)))
      .filter((file) => /\.\.\/(\.\.\/)*shared\b|\bshared\/das-samples|\bshared\/ocsf/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    // This file spells the pattern out; nothing else may.
    expect(offenders.filter((file) => file !== 'test/unit/fixtures.test.ts')).toEqual([]);
  });

  it("the suite's fixture loader finds every sample in a copy of the project with nothing beside it", async () => {
    const copy = join(lone, 'das-read');
    cpSync(ROOT, copy, { recursive: true, filter: (source) => !SKIPPED.has(source.split('/').pop() ?? '') });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    expect(readdirSync(lone)).toEqual(['das-read']);
    const script = "const { loadSamples } = await import('./test/helpers/samples.ts'); console.log(JSON.stringify(loadSamples().map((s) => s.file)));";
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: copy });
    const files = JSON.parse(stdout) as string[];
    expect(files).toEqual(
      readdirSync(join(ROOT, 'test/fixtures/das-samples'))
        .filter((file) => file.endsWith('.json'))
        .sort(),
    );
    expect(files.map((file) => file.slice(0, 3))).toEqual(expect.arrayContaining(['apg', 'ams', 'ora', 'mss']));
  });
});
