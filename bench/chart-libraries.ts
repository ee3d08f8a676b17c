// How the report's chart library was chosen (docs/report.md, "Charts: how the library was chosen"):
//   mkdir /tmp/charts && cd /tmp/charts && npm init -y && npm install uplot echarts @observablehq/plot d3
//   npx tsx bench/chart-libraries.ts /tmp/charts
// For each candidate: the minified file the page would inline (and its gzip size, for comparison), and in headless
// Chromium the time from data in hand to a stacked time chart painted, over 300 buckets × 10 series (what the report
// draws) and 10 series × 100,000 points (1,000,000 points). Only uPlot, the one chosen, is a dependency of das-read.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../test/helpers/chromium.js';

interface Candidate {
  name: string;
  /** Files inlined, in order, as package-relative specifiers. */
  files: string[];
  /** Browser code: draws `data` ({ t: seconds[], series: number[][] }) into #chart, stacked. */
  draw: string;
}

const candidates: Candidate[] = [
  {
    name: 'uPlot',
    files: ['uplot/dist/uPlot.iife.min.js'],
    // uPlot does not stack: the page sums the series itself (as the report does), then fills each band.
    draw: `
      let run = new Float64Array(data.t.length);
      const stacked = data.series.map((s) => { const next = new Float64Array(s.length); for (let i = 0; i < s.length; i++) next[i] = run[i] + s[i]; run = next; return next; }).reverse();
      new uPlot({ width: 1200, height: 400, scales: { x: { time: true } },
        series: [{}, ...stacked.map((_, i) => ({ label: 's' + i, stroke: 'hsl(' + i * 36 + ',55%,45%)', fill: 'hsl(' + i * 36 + ',55%,65%)', width: 1 }))],
      }, [data.t, ...stacked], document.getElementById('chart'));
    `,
  },
  {
    name: 'ECharts',
    files: ['echarts/dist/echarts.min.js'],
    draw: `
      const chart = echarts.init(document.getElementById('chart'), null, { renderer: 'canvas', width: 1200, height: 400 });
      chart.setOption({ animation: false, xAxis: { type: 'time' }, yAxis: { type: 'value' },
        series: data.series.map((s, i) => ({ type: 'line', stack: 'all', areaStyle: {}, showSymbol: false, sampling: 'lttb', large: true,
          data: Array.from(s, (v, j) => [data.t[j] * 1000, v]) })) });
    `,
  },
  {
    name: 'Observable Plot + d3',
    files: ['d3/dist/d3.min.js', '@observablehq/plot/dist/plot.umd.min.js'],
    draw: `
      const rows = [];
      data.series.forEach((s, k) => { for (let j = 0; j < s.length; j++) rows.push({ t: new Date(data.t[j] * 1000), v: s[j], k }); });
      document.getElementById('chart').append(Plot.plot({ width: 1200, height: 400, marks: [Plot.areaY(rows, { x: 't', y: 'v', fill: 'k' })] }));
    `,
  },
];

const workloads = [
  { name: '300 buckets × 10 series', buckets: 300, series: 10 },
  { name: '1,000,000 points (10 × 100,000)', buckets: 100_000, series: 10 },
];

/** The page: the library inline, then data made in the page (not timed), then the timed draw to the next painted frame. */
function page(libraries: string[], draw: string, buckets: number, series: number): string {
  return `<!doctype html><html><head><meta charset="utf-8"></head><body><div id="chart" style="width:1200px;height:400px"></div>
${libraries.map((code) => `<script>${code.replace(/<\/script/gi, '<\\/script')}</script>`).join('\n')}
<script>
window.result = (async () => {
  let n = 7; const random = () => (n = (n * 9301 + 49297) % 233280) / 233280;
  const t = new Float64Array(${buckets}); for (let i = 0; i < t.length; i++) t[i] = 1796601600 + i * 60;
  const data = { t, series: Array.from({ length: ${series} }, () => Float64Array.from(t, () => Math.floor(random() * 100))) };
  const start = performance.now();
  ${draw}
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const ms = performance.now() - start;
  const canvases = [...document.querySelectorAll('canvas')];
  const painted = canvases.some((c) => { const x = c.getContext('2d'); if (!x) return false; const d = x.getImageData(0, 0, c.width, c.height).data; for (let i = 3; i < d.length; i += 4) if (d[i]) return true; return false; })
    || [...document.querySelectorAll('svg path')].some((p) => (p.getAttribute('d') || '').length > 10);
  return { ms, painted };
})();
</script></body></html>`;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const modules = process.argv[2] ?? process.cwd();
  const require = createRequire(join(modules, 'package.json'));
  const resolveFile = (file: string) => {
    try {
      return require.resolve(file);
    } catch {
      const path = join(modules, 'node_modules', file);
      if (!existsSync(path)) throw new Error(`${file} not found`);
      return path;
    }
  };
  const scratch = await mkdtemp(join(tmpdir(), 'chart-libraries-'));
  const browser = await launchChromium();
  const runs = Number(process.env.RUNS ?? 3);
  try {
    for (const candidate of candidates) {
      let libraries: string[];
      try {
        // A package's exports may hide its dist/ folder: then the file is read where npm put it.
        libraries = await Promise.all(candidate.files.map(async (file) => readFile(resolveFile(file), 'utf8')));
      } catch {
        process.stdout.write(`${candidate.name}: not installed in ${modules}, skipped\n`);
        continue;
      }
      const bytes = libraries.reduce((sum, code) => sum + Buffer.byteLength(code), 0);
      const gzip = libraries.reduce((sum, code) => sum + gzipSync(code).length, 0);
      const figures: string[] = [`${(bytes / 1024).toFixed(0)} KiB minified, ${(gzip / 1024).toFixed(0)} KiB gzip`];
      for (const workload of workloads) {
        const file = join(scratch, `${candidate.name.replace(/\W+/g, '-')}-${workload.buckets}.html`);
        await writeFile(file, page(libraries, candidate.draw, workload.buckets, workload.series));
        const times: number[] = [];
        let painted = true;
        for (let run = 0; run < runs; run++) {
          const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
          const tab = await context.newPage();
          const errors: string[] = [];
          tab.on('pageerror', (error) => errors.push(error.message));
          await tab.goto(pathToFileURL(file).href);
          const result = (await tab.evaluate('window.result', undefined)) as { ms: number; painted: boolean };
          await context.close();
          if (errors.length) throw new Error(`${candidate.name}: ${errors.join('; ')}`);
          times.push(result.ms);
          painted &&= result.painted;
        }
        figures.push(`${workload.name}: ${median(times).toFixed(0)} ms (median of ${runs}${painted ? '' : ', NOT PAINTED'})`);
      }
      process.stdout.write(`${candidate.name}: ${figures.join('; ')}\n`);
    }
  } finally {
    await browser.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
