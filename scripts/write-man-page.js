// A build step (npm run build, after tsc): das-read.1 from the built program's own table of commands and flags.
import { writeFileSync } from 'node:fs';

const { programManPage } = await import(new URL('../dist/cli/man-page.js', import.meta.url).href);
const { VERSION } = await import(new URL('../dist/version.js', import.meta.url).href);
writeFileSync(new URL('../das-read.1', import.meta.url), programManPage(VERSION));
