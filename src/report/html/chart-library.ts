// uPlot, inlined in every report: chosen by measurement (bench/chart-libraries.ts, docs/report.md). Its minified file
// is read from node_modules where Node resolves it, so an installed das-read (dist/ beside node_modules) finds it too.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ChartLibrary {
  script: string;
  style: string;
}

let loaded: ChartLibrary | undefined;

export function chartLibrary(): ChartLibrary {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const script = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const style = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  // Inlined as is, the file must not end its own <script> or <style>: a release that did would fail here, not in a browser.
  if (/<\/script|<!--/i.test(script) || /<\/style/i.test(style)) throw new Error('uPlot cannot be inlined: its file holds </script, <!-- or </style');
  loaded = { script, style };
  return loaded;
}
