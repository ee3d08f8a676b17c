import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const LAB = fileURLToPath(new URL('../../lab/src', import.meta.url));
const LAB_PACKAGE = fileURLToPath(new URL('../../lab', import.meta.url));

/**
 * src/'s folders, lowest first: each may import only from itself and those before it. The files at
 * src/'s root are the ground floor (errors, sleep, version), but for the two entries at the top.
 * The read's steps (kinesis → decode → events (→ detect, the rules over them) → format → sinks → checkpoint) sit on the terminal's
 * pieces; write/ joins format, sinks and checkpoint; report/ aggregates and draws a report;
 * cmdutil/ is what the commands share; each
 * command is a folder of commands/; cli/ is the program.
 */
const LAYERS = [
  '',
  'aws',
  'kinesis',
  'decode',
  'events',
  'detect',
  'saved',
  'terminal',
  'format',
  'sinks',
  'checkpoint',
  'write',
  'report',
  'cmdutil',
  'commands',
  'cli',
  'entry',
  'lambda',
];
const ENTRIES = new Set(['index.ts', 'main.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|js)$/.test(entry.name) ? [path] : [];
  });
}

/** Every module a file names, statically or with import(), types included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  // Any quote: an import() of a template literal resolves as well as one of a string.
  const named = [...text.matchAll(/(?:from|import)\s*\(?\s*['"`](\.[^'"`]+)['"`]/g)].map((match) => match[1] ?? '');
  return named.map((specifier) =>
    relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, file.endsWith('.js') && !specifier.endsWith('.js') ? '' : '.js'),
  );
}

const fileOf = (module: string, files: Set<string>) => [module.replace(/\.js$/, '.ts'), module].find((candidate) => files.has(candidate)) ?? module;
const layerOf = (file: string) => (ENTRIES.has(file) ? 'entry' : file.includes('/') ? (file.split('/')[0] ?? '') : '');

describe('src/ is layered, every import pointing down', () => {
  const files = new Set(sources(SRC).map((file) => relative(SRC, file)));
  const graph = new Map(
    [...files].map((file) => [
      file,
      importsOf(join(SRC, file))
        .map((module) => fileOf(module, files))
        .filter((module) => files.has(module)),
    ]),
  );

  it('every folder is in the table', () => {
    expect([...files].map(layerOf).filter((layer) => !LAYERS.includes(layer))).toEqual([]);
  });

  it('no folder imports from a folder above it', () => {
    const upward = [...graph].flatMap(([file, imported]) =>
      imported.filter((module) => LAYERS.indexOf(layerOf(module)) > LAYERS.indexOf(layerOf(file))).map((module) => `${file} → ${module}`),
    );
    expect(upward).toEqual([]);
  });

  it('no command reaches into another: each lives in its own folder, and the program wires them together', () => {
    const commandOf = (file: string) => (file.startsWith('commands/') ? file.split('/')[1] : undefined);
    // detect is a read, or a show, that writes findings in the place of events: it runs theirs with a form of its own.
    const uses = new Set([
      'detect → read/read-action.ts',
      'detect → read/read-options.ts',
      'detect → show/show.ts',
      'detect → show/show-action.ts',
      'detect → read/read-flags.ts',
      'detect → show/show-flags.ts',
    ]);
    const across = [...graph].flatMap(([file, imported]) =>
      imported
        .filter((module) => commandOf(file) && commandOf(module) && commandOf(module) !== commandOf(file))
        .filter((module) => !uses.has(`${commandOf(file)} → ${module.split('/').slice(1).join('/')}`))
        .map((module) => `${file} → ${module}`),
    );
    expect(across).toEqual([]);
  });

  it('an import of a template literal is seen as one of a string', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'layers-'));
    try {
      const file = join(scratch, 'probe.ts');
      writeFileSync(file, 'const a = await import(`../commands/read/read.js`);\nimport type { B } from "./b.js";\n');
      const seen = importsOf(file);
      expect(seen).toHaveLength(2);
      expect(seen[0]).toMatch(/(^|\/)commands\/read\/read\.js$/);
      expect(seen[1]).toMatch(/\/b\.js$/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('no file reaches itself through its imports', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(circles).toEqual([]);
  });

  it('no two files share a name', () => {
    const names = [...files].map((file) => file.split('/').pop() ?? file);
    expect(names.filter((name, at) => names.indexOf(name) !== at)).toEqual([]);
  });

  it('the walk sees the imports it checks', () => {
    expect(graph.get('commands/read/read.ts')).toContain('decode/decoder.ts');
    expect(graph.get('cli/run.ts')).toContain('commands/read/read-action.ts');
  });
});

describe('the Lambda is built on the library API alone', () => {
  it('src/lambda/ imports nothing of das-read but index.ts, the API a user of the package imports', () => {
    const lambda = sources(join(SRC, 'lambda'));
    expect(lambda.length).toBeGreaterThan(5);
    const reaching = lambda.flatMap((file) =>
      importsOf(file)
        .filter((module) => !module.startsWith('lambda/') && module !== 'index.js')
        .map((module) => `${relative(SRC, file)} → ${module}`),
    );
    expect(reaching).toEqual([]);
    expect(lambda.some((file) => importsOf(file).includes('index.js'))).toBe(true);
  });

  it('only its entry touches process, as only main.ts does for the CLI', () => {
    const touching = sources(SRC)
      .filter((file) => /\bprocess\.(env|stdout|stderr|stdin|exit|argv|on)\b/.test(readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')))
      .map((file) => relative(SRC, file));
    expect(touching.filter((file) => file !== 'main.ts' && file !== 'lambda/handler.ts')).toEqual([]);
  });
});

/** Every module a file names, as written. */
const specifiersOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1] ?? '');

describe('the lab is a package beside das-read, not inside it', () => {
  it('src/ never names the lab: the CLI loads it by package name, when it is installed', () => {
    // A relative path counts where it lands (src/commands/lab/ is the lab command's own code); any other, by its name.
    const intoLab = (file: string, specifier: string) =>
      specifier.startsWith('.')
        ? !relative(LAB_PACKAGE, resolve(dirname(file), specifier)).startsWith('..')
        : /(^|\/)lab\//.test(specifier) || specifier.startsWith('das-read-lab');
    const named = sources(SRC).flatMap((file) =>
      specifiersOf(file)
        .filter((specifier) => intoLab(file, specifier))
        .map((specifier) => `${relative(SRC, file)} → ${specifier}`),
    );
    expect(named).toEqual([]);
  });

  it('the lab uses das-read only through its package name, the library API', () => {
    const files = sources(LAB);
    expect(files.length).toBeGreaterThan(10);
    const reaching = files.flatMap((file) =>
      specifiersOf(file)
        .filter((specifier) => specifier.startsWith('.') && !resolve(dirname(file), specifier).startsWith(LAB))
        .map((specifier) => `${relative(LAB, file)} → ${specifier}`),
    );
    expect(reaching).toEqual([]);
    expect(files.some((file) => specifiersOf(file).includes('das-read'))).toBe(true);
  });
});
