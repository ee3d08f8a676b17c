import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Manifest {
  version: string;
  license: string;
  scripts: Record<string, string>;
  files: string[];
  man: string[];
  repository: { url: string };
  bugs: { url: string };
  homepage: string;
  keywords: string[];
  allowScripts?: Record<string, boolean>;
}
const manifest = JSON.parse(read('package.json')) as Manifest;

/** Every installed package with a script npm runs on install, by name. */
function packagesWithInstallScripts(): string[] {
  const modules = join(ROOT, 'node_modules');
  const folders = readdirSync(modules).flatMap((entry) =>
    entry.startsWith('@') ? readdirSync(join(modules, entry)).map((name) => `${entry}/${name}`) : entry.startsWith('.') ? [] : [entry],
  );
  return folders.filter((folder) => {
    const path = join(modules, folder, 'package.json');
    if (!existsSync(path)) return false;
    const { scripts = {} } = JSON.parse(readFileSync(path, 'utf8')) as { scripts?: Record<string, string> };
    return ['preinstall', 'install', 'postinstall'].some((script) => scripts[script] !== undefined) && !['das-read', 'das-read-lab'].includes(folder);
  });
}

describe('package.json, as npm reads it', () => {
  it('every dependency with an install script is decided in allowScripts: npm 11 skips, and warns of, any other', () => {
    const decided = Object.keys(manifest.allowScripts ?? {}).map((entry) => entry.replace(/(?<=.)@.*$/, ''));
    expect(packagesWithInstallScripts().filter((name) => !decided.includes(name))).toEqual([]);
    expect(packagesWithInstallScripts()).toContain('esbuild');
  });

  it('npm pack builds first, and packs the man page the build writes', () => {
    expect(manifest.scripts.prepack).toBe('npm run build');
    expect(manifest.scripts.build).toMatch(/tsc -p tsconfig\.build\.json.*&& node scripts\/write-man-page\.js$/);
    expect(manifest.files).toContain('das-read.1');
    expect(manifest.man).toEqual(['./das-read.1']);
    // npm 11 lists a tarball's prepare script as an install script it will not run: a warning on every install.
    expect(manifest.scripts.prepare).toBeUndefined();
  });

  it('names its licence, with the file, and where it lives', () => {
    expect(manifest.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the das-read authors\n/);
    expect(manifest.repository.url).toBe('git+https://github.com/das-read/das-read.git');
    expect(manifest.bugs.url).toBe('https://github.com/das-read/das-read/issues');
    expect(manifest.homepage).toMatch(/^https:\/\/github\.com\/das-read\/das-read/);
    expect(manifest.keywords).toEqual(expect.arrayContaining(['aurora', 'rds', 'database-activity-streams', 'kinesis']));
  });

  it('CHANGELOG.md keeps a changelog, the current version in it', () => {
    const changelog = read('CHANGELOG.md');
    expect(changelog).toMatch(/keepachangelog\.com/);
    expect(changelog).toContain('## [Unreleased]');
    expect(changelog).toMatch(new RegExp(`^## \\[${manifest.version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
  });

  it('the README installs only what exists: no registry package', () => {
    const readme = read('README.md');
    expect(readme).not.toMatch(/npm install das-read|npm i das-read|published das-read package/);
    expect(readme).toContain('npm install -g .');
    expect(readme).toContain(`npm install -g ./das-read-${manifest.version}.tgz`);
  });
});
