import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DasEvent } from '../src/decode/types.js';
import { createDetector } from '../src/detect/detector.js';
import { loadRules } from '../src/detect/load-rules.js';
import { SyntheticPgbench, type PostgresServer } from '../lab/src/pgbench-synthetic.js';
import { Trickle } from '../lab/src/app-activity.js';
import { timedRun } from './timed-run.js';
import { ATTACKS, attackEvents } from '../lab/src/attacks.js';

const BIN = fileURLToPath(new URL('../bin/das-read', import.meta.url));
const SERVER: PostgresServer = { serverHost: '10.0.1.5', serverVersion: '15.4', databaseName: 'postgres', dbUserName: 'postgres' };
const START_MICROS = Date.UTC(2026, 10, 25, 12) * 1000;

export interface DetectShare {
  events: number;
  /** Whether this build has `das-read detect` (h/detect-cli); without it only the engine is measured. */
  detectAvailable: boolean;
  showSeconds: number[];
  detectSeconds: number[];
  /** show's best time over detect's best: events a second with the built-in rules, as a share of show's. */
  share: number | undefined;
  /** The detector alone in this process, over the file's events already parsed: createDetector with the built-ins. */
  engineEventsPerSecond: number;
  findings: number;
}

/**
 * A saved file as `das-read -o ndjson` writes one: the lab's pgbench with its trickle, every attack scenario
 * now and then, each line an event with its ids. `events` lines, about.
 */
export function savedFile(path: string, events: number): number {
  const pgbench = new SyntheticPgbench(SERVER, { transactionsPerSecond: 200, startMicros: START_MICROS, random: seeded(7) });
  const trickle = new Trickle(SERVER, 5_000_000);
  trickle.eventsUntil(START_MICROS);
  // Written a piece at a time: a million lines are more than one string can hold.
  writeFileSync(path, '');
  let lines: string[] = [];
  let written = 0;
  let until = START_MICROS;
  let attack = 0;
  while (written + lines.length < events) {
    until += 60_000_000;
    const minute: DasEvent[] = [...pgbench.eventsUntil(until), ...trickle.eventsUntil(until)];
    // A scenario every two minutes of the stream's time.
    if ((until - START_MICROS) % 120_000_000 === 0) minute.push(...attackEvents(SERVER, ATTACKS[attack++ % ATTACKS.length] as (typeof ATTACKS)[number], until));
    for (const event of minute) {
      const line = written + lines.length;
      lines.push(
        JSON.stringify({
          ...event,
          clusterId: 'cluster-BENCH',
          instanceId: 'db-BENCH',
          eventId: `shardId-000000000000:${49_600_000 + Math.floor(line / 10)}:${line % 10}`,
        }),
      );
    }
    if (lines.length >= 50_000) {
      appendFileSync(path, `${lines.join('\n')}\n`);
      written += lines.length;
      lines = [];
    }
  }
  if (lines.length) appendFileSync(path, `${lines.join('\n')}\n`);
  return written + lines.length;
}

/** `das-read detect FILE` (the built-in rules, OCSF findings) against `das-read show -o ndjson FILE`, in turns, best of `rounds`. */
export async function detectShareOfShow(events: number, rounds: number): Promise<DetectShare> {
  const dir = mkdtempSync(join(tmpdir(), 'das-read-bench-detect-'));
  try {
    const file = join(dir, 'audit.ndjson');
    const count = savedFile(file, events);
    const engine = await engineThroughput(file);
    // The program's help lists its commands: `detect` is there once h/detect-cli is merged.
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' }).stdout;
    const detectAvailable = /^\s+detect\b/m.test(help);
    const showSeconds: number[] = [];
    const detectSeconds: number[] = [];
    for (let round = 0; round < rounds; round++) {
      showSeconds.push(await timed(['show', '-o', 'ndjson', file]));
      if (detectAvailable) detectSeconds.push(await timed(['detect', '-o', 'ocsf', file]));
    }
    const share = detectAvailable ? Math.min(...showSeconds) / Math.min(...detectSeconds) : undefined;
    return { events: count, detectAvailable, showSeconds, detectSeconds, share, ...engine };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function engineThroughput(file: string): Promise<{ engineEventsPerSecond: number; findings: number }> {
  const events = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as DasEvent & { eventId: string });
  const rules = await loadRules({ builtin: true, paths: [] });
  let best = Infinity;
  let findings = 0;
  for (let round = 0; round < 3; round++) {
    const detector = createDetector(rules);
    const began = performance.now();
    findings = 0;
    for (const event of events) findings += detector.observe({ event, eventId: event.eventId, clusterId: 'cluster-BENCH', instanceId: 'db-BENCH' }).length;
    findings += detector.end().length;
    best = Math.min(best, (performance.now() - began) / 1000);
  }
  return { engineEventsPerSecond: events.length / best, findings };
}

/** One run of das-read over the file, its output thrown away as fast as it comes: seconds, start to exit. */
async function timed(args: string[]): Promise<number> {
  return (await timedRun(process.execPath, [BIN, ...args], `das-read ${args[0]}`)).seconds;
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}
