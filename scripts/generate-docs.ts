// npm run docs: writes anew the generated regions of README.md and docs/*.md (see docs-generator.ts).
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { documentFiles, regenerate, ROOT } from './docs-generator.js';

for (const file of await documentFiles()) {
  const before = await readFile(file, 'utf8');
  const after = await regenerate(before, file);
  if (after === before) continue;
  await writeFile(file, after);
  process.stdout.write(`wrote ${relative(ROOT, file)}\n`);
}
