// npm run soak -- --minutes N [--seed S]: das-read following a lab stream for N minutes while faults strike,
// then everything it wrote checked against everything produced. Exits 1 if an invariant failed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab } from '../lab/src/lab.js';
import { DasRecordProducer } from '../lab/src/producer.js';
import { parseSoakArgs } from './args.js';
import { audit } from './audit.js';
import { SeenIds } from './catch-up.js';
import { Cleanup } from './cleanup.js';
import { DasReadProcess, type Ended } from './das-read-process.js';
import { injectors } from './inject.js';
import { seeded } from './random.js';
import { rssVerdict, sampleRss } from './rss.js';
import { faultSchedule, roundsFor, FAULT_KINDS, type FaultKind } from './schedule.js';
import { SteadyProducer } from './steady-producer.js';
import { summarize } from './summary.js';

const BIN = fileURLToPath(new URL('../bin/das-read', import.meta.url));
const CLUSTER = 'soak-cluster';
const RSS_EVERY_MS = 2_000;
/** A das-read younger than this is starting up: its RSS is not yet its level. */
const WARM_UP_MS = 30_000;

// The soak's own SDK clients would print the SDK's Node 20 notice into its log; das-read's env says the same.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const began = performance.now();
const log = (line: string) => process.stderr.write(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let options;
try {
  options = parseSoakArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
const random = seeded(seed);
const durationMs = options.minutes * 60_000;
const cleanup = new Cleanup();
let stopping = false;
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.once(signal, () => {
    stopping = true;
    log(`${signal}: stopping das-read and the lab, removing the temporary folder`);
    void cleanup.run(log).finally(() => process.exit(code));
  });
}

// A failure inside a callback would end the process without its cleanup: ended here, with it.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.once(event, (error: unknown) => {
    stopping = true;
    log(`the soak itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void cleanup.run(log).finally(() => process.exit(1));
  });
}

log(
  `seed ${seed} (the same schedule again: --seed ${seed}); ${options.minutes} min at ${options.recordsPerSecond} records/s of ${options.eventsPerRecord} events${commit()}`,
);
let exitCode = 1;
try {
  const dir = mkdtempSync(join(tmpdir(), 'das-read-soak-'));
  cleanup.add(() => (options.keep ? log(`kept ${dir}`) : rmSync(dir, { recursive: true, force: true })));
  const outPath = join(dir, 'out.ndjson');

  const lab = await startLab({ nodePath: process.execPath });
  cleanup.add(() => lab.close());
  const keyId = lab.kms.createKey('soak').keyId;
  const cluster = lab.rds.addDatabase('cluster', CLUSTER, 'aurora-postgresql', '15.4');
  const streamName = await lab.startActivityStream(cluster, keyId, 2);

  const start = performance.now();
  const now = () => performance.now() - start;
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_ACCESS_KEY_ID: 'soak',
    AWS_SECRET_ACCESS_KEY: 'soak',
    AWS_REGION: lab.region,
    AWS_ENDPOINT_URL: lab.endpoint,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const reader = new DasReadProcess({
    nodePath: process.execPath,
    bin: BIN,
    args: ['--cluster', CLUSTER, '--checkpoint', join(dir, 'checkpoint.json'), '-o', 'ndjson'],
    env,
    outPath,
    logDir: dir,
    now,
    log,
  });
  cleanup.add(() => reader.dispose());
  // A second das-read on the same stream that no fault aimed at a process touches: it lives the
  // whole run, so its RSS over time is one process's, which the kills and restarts of the first hide.
  const steadyDir = join(dir, 'steady');
  mkdirSync(steadyDir);
  const steadyOut = join(steadyDir, 'out.ndjson');
  const steady = new DasReadProcess({
    nodePath: process.execPath,
    bin: BIN,
    args: ['--cluster', CLUSTER, '--checkpoint', join(steadyDir, 'checkpoint.json'), '-o', 'ndjson'],
    env,
    outPath: steadyOut,
    logDir: steadyDir,
    now,
    log,
  });
  cleanup.add(() => steady.dispose());
  const producer = new SteadyProducer({
    kinesis: lab.clients.kinesis,
    streamName,
    producer: new DasRecordProducer({ kms: lab.clients.kms, kmsKeyId: keyId, resourceId: cluster.resourceId, recordsPerDataKey: 25 }),
    clusterId: cluster.resourceId,
    recordsPerSecond: options.recordsPerSecond,
    eventsPerRecord: options.eventsPerRecord,
    onError: (error) => log(`the producer failed: ${error instanceof Error ? error.message : String(error)}`),
  });
  cleanup.add(() => producer.stop());
  void reader.start();
  void steady.start();
  producer.start();
  const rss = sampleRss(() => reader.current(), now, RSS_EVERY_MS);
  cleanup.add(() => rss.stop());
  const steadyRss = sampleRss(() => steady.current(), now, RSS_EVERY_MS);
  cleanup.add(() => steadyRss.stop());

  // Faults from a tenth of the run to 85% of it: das-read is up first, and the end is calm enough to tell a stall from a fault.
  const episodes = faultSchedule(random, { fromMs: durationMs * 0.1, toMs: durationMs * 0.85 }, roundsFor(options.minutes));
  const spacingMs = (durationMs * 0.75) / episodes.length;
  const inject = injectors({
    faults: lab.gateway.faults,
    kinesis: lab.clients.kinesis,
    streamName,
    reader,
    random,
    maxPauseMs: Math.min(30_000, Math.max(2_000, spacingMs * 1.5)),
  });
  const counts = new Map<FaultKind, number>(FAULT_KINDS.map((kind) => [kind, 0]));
  const episodeFailures: string[] = [];
  log(
    `${episodes.length} faults scheduled, one every ${(spacingMs / 1000).toFixed(1)} s on average, from ${(durationMs * 0.1) / 1000} s to ${(durationMs * 0.85) / 1000} s`,
  );
  for (const episode of episodes) {
    while (now() < episode.atMs && !stopping) await sleep(Math.min(250, episode.atMs - now()));
    if (stopping) break;
    try {
      const what = await inject[episode.kind]();
      counts.set(episode.kind, (counts.get(episode.kind) ?? 0) + 1);
      log(`${episode.kind}: ${what}`);
    } catch (error) {
      episodeFailures.push(`${episode.kind} at ${(episode.atMs / 1000).toFixed(0)} s: ${error instanceof Error ? error.message : String(error)}`);
      log(`${episode.kind} could not be injected: ${episodeFailures.at(-1)}`);
    }
  }
  while (now() < durationMs && !stopping) await sleep(Math.min(500, durationMs - now()));

  rss.stop();
  steadyRss.stop();
  lab.gateway.faults.clear();
  await producer.stop();
  log(`production stopped: ${producer.produced} events in ${producer.records} records; waiting for das-read to catch up`);
  const seen = new SeenIds(outPath);
  const steadySeen = new SeenIds(steadyOut);
  const catchUpDeadline = now() + Math.max(60_000, durationMs / 6);
  let missing = seen.missingBelow(producer.produced);
  let steadyMissing = steadySeen.missingBelow(producer.produced);
  while ((missing > 0 || steadyMissing > 0) && now() < catchUpDeadline && !stopping) {
    await sleep(500);
    missing = seen.missingBelow(producer.produced);
    steadyMissing = steadySeen.missingBelow(producer.produced);
  }
  log(missing === 0 ? 'caught up: every event produced is in the output' : `not caught up: ${missing} events still missing`);
  log(steadyMissing === 0 ? 'the steady das-read caught up too' : `the steady das-read did not catch up: ${steadyMissing} events still missing`);
  const steadyTerminated = await steady.terminate();
  const terminated = await reader.terminate();
  log(`SIGTERM: das-read ended ${terminated.code ?? terminated.signal}; now the same command once more with --no-follow`);
  const finalRun: Ended = await reader.runOnce(['--no-follow']);

  const result = audit(outPath, reader.boundaries, producer.produced, producer.maybeTwice);
  const stderrOf = (process: DasReadProcess) =>
    process.stderrFiles.flatMap((path, index) =>
      readFileSync(path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => `run ${index + 1}: ${line}`),
    );
  const stderr = stderrOf(reader);
  const { lines, failures } = summarize({
    minutes: options.minutes,
    seed,
    recordsPerSecond: options.recordsPerSecond,
    eventsPerRecord: options.eventsPerRecord,
    records: producer.records,
    retriedPuts: producer.retriedPuts,
    audit: result,
    boundaries: reader.boundaries,
    episodes: counts,
    episodeFailures,
    served: lab.gateway.faults.served,
    starts: reader.stderrFiles.length,
    unexpectedExits: reader.unexpectedExits.length,
    caughtUp: missing === 0,
    terminated,
    finalRun,
    finalRunEvents: result.eventsByRun.at(-1) ?? 0,
    rss: rssVerdict(rss.samples, { fromMs: 0, toMs: durationMs }, { warmUpMs: WARM_UP_MS }),
    warmUpMs: WARM_UP_MS,
    stderr,
    steady: {
      audit: audit(steadyOut, steady.boundaries, producer.produced, producer.maybeTwice),
      rss: rssVerdict(steadyRss.samples, { fromMs: 0, toMs: durationMs }, { warmUpMs: WARM_UP_MS }),
      caughtUp: steadyMissing === 0,
      terminated: steadyTerminated,
      starts: steady.stderrFiles.length,
      stderr: stderrOf(steady),
    },
  });
  process.stdout.write(lines.join('\n') + '\n');
  if (options.keep) {
    for (const [path, samples] of [
      [join(dir, 'rss.csv'), rss.samples],
      [join(steadyDir, 'rss.csv'), steadyRss.samples],
    ] as const) {
      writeFileSync(
        path,
        ['at_ms,pid,age_ms,rss_kb', ...samples.map((s) => `${Math.round(s.atMs)},${s.pid},${Math.round(s.ageMs)},${s.kb}`)].join('\n') + '\n',
      );
    }
  }
  exitCode = failures.length ? 1 : 0;
} catch (error) {
  // After Ctrl-C, what the cleanup pulled from under the run is no failure of its own.
  if (!stopping) log(`the soak itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await cleanup.run(log);
}
if (!stopping) process.exit(exitCode);

function commit(): string {
  try {
    return `; das-read at ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()}`;
  } catch {
    return '';
  }
}
