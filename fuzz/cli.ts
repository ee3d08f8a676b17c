// npm run fuzz -- <target|all> [--seconds N] [--seed S] [--timeout-ms T]
// npm run fuzz -- <target> --replay FILE
// A mutation fuzzer of das-read's parsers of untrusted bytes, on fast-check's random engine; no
// coverage feedback. Exits 1 when it finds something, 2 when it is used wrongly.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fuzz, type FuzzReport } from './supervisor.js';

const TARGETS = ['record', 'archive', 'lines', 'checkpoint', 'redact', 'rules', 'report-state'] as const;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const print = (line: string) => process.stdout.write(`${line}\n`);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '30' },
    seed: { type: 'string' },
    'timeout-ms': { type: 'string', default: '10000' },
    replay: { type: 'string' },
  },
});
const [name] = positionals;
const seconds = Number(values.seconds);
const timeoutMs = Number(values['timeout-ms']);
const seed = values.seed === undefined ? Math.floor(Math.random() * 0x7fffffff) : Number(values.seed);
if (
  !name ||
  (name !== 'all' && !(TARGETS as readonly string[]).includes(name)) ||
  !(seconds > 0) ||
  !(timeoutMs > 0) ||
  !Number.isInteger(seed) ||
  (values.replay && name === 'all')
) {
  process.stderr.write(
    `usage: npm run fuzz -- <${TARGETS.join('|')}|all> [--seconds N] [--seed S] [--timeout-ms T]\n       npm run fuzz -- <target> --replay FILE\n`,
  );
  process.exit(2);
}

const optionsFor = (target: string) => ({
  name: target,
  targetModule: new URL(`./targets/${target}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href,
  corpusDir: here(`./corpus/${target}`),
  findingsDir: here(`./findings/${target}`),
  seed,
  seconds,
  timeoutMs,
  log: print,
});

if (values.replay) {
  const file = values.replay;
  // A finding's <hash>.bin has its delivery in <hash>.json beside it; any other file is read whole, as it is.
  const story = file.endsWith('.bin') ? file.replace(/\.bin$/, '.json') : undefined;
  const delivery =
    story && existsSync(story)
      ? (JSON.parse(readFileSync(story, 'utf8')) as { delivery: { gzip: boolean; chunks: number[] } }).delivery
      : { gzip: false, chunks: [] };
  print(`replaying ${file} on ${name} (${delivery.gzip ? "gzip'd, " : ''}chunks ${JSON.stringify(delivery.chunks)})`);
  const report = await fuzz({ ...optionsFor(name), findingsDir: here(`./findings/${name}/replayed`), replay: { bytes: readFileSync(file), delivery } });
  printReport(name, report);
  process.exit(report.findings.length > 0 ? 1 : 0);
}

print(`seed ${seed} (again: --seed ${seed}), ${seconds} s a target, ${timeoutMs} ms an input`);
let found = 0;
for (const target of name === 'all' ? TARGETS : [name]) {
  print(`\n${target}: fuzzing ${seconds} s`);
  const report = await fuzz(optionsFor(target));
  printReport(target, report);
  found += report.findings.length;
}
process.exit(found > 0 ? 1 : 0);

function printReport(target: string, report: FuzzReport): void {
  print(
    `${target}: ${report.executions} executions in ${report.seconds.toFixed(1)} s, ${report.seconds > 0 ? Math.round(report.executions / report.seconds) : 0}/s`,
  );
  print(`${target}: ${Object.keys(report.outcomes).length} distinct outcomes:`);
  for (const [outcome, count] of Object.entries(report.outcomes).sort(([, a], [, b]) => b - a)) print(`  ${String(count).padStart(9)}  ${outcome}`);
  print(`${target}: ${report.findings.length === 0 ? 'no findings' : `${report.findings.length} distinct finding${report.findings.length === 1 ? '' : 's'}:`}`);
  for (const finding of report.findings)
    print(`  ${finding.kind}: ${finding.message.split('\n')[0]?.slice(0, 300)}\n    ${finding.file} (and ${finding.repeats} more inputs like it)`);
}
