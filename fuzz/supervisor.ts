// Runs a target's runner thread for the time asked, restarting it after an input that hangs or
// exhausts its memory; saves every distinct finding where `--replay` can read it back.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  COMPLETED,
  DELIVERY_LENGTH,
  HEADER_INTS,
  IN_FLIGHT,
  INPUT_LENGTH,
  INPUT_ROOM,
  SHARED_BYTES,
  signatureOf,
  type FindingReport,
  type RunnerData,
  type RunnerMessage,
} from './protocol.js';

export interface FuzzOptions {
  /** The target's name, for the replay command a finding prints. */
  name?: string;
  /** The target's module: its default export is a FuzzTarget. */
  targetModule: string;
  corpusDir: string;
  /** Where findings are saved: <findingsDir>/<hash>.bin, and its delivery and story in <hash>.json. */
  findingsDir: string;
  seed: number;
  seconds: number;
  /** One input's bound: past it the input is a hang. */
  timeoutMs: number;
  maxExecutions?: number;
  stopOnFinding?: boolean;
  /** The runner thread's heap: an input that needs more is a finding. */
  heapMb?: number;
  /** The runner thread's stack: by default about the main thread's (984 KB), where das-read parses all but payloads. */
  stackMb?: number;
  replay?: RunnerData['replay'];
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface SavedFinding extends Omit<FindingReport, 'bytes'> {
  file: string;
  /** Further inputs that found the same thing. */
  repeats: number;
}

export interface FuzzReport {
  executions: number;
  seconds: number;
  outcomes: Record<string, number>;
  findings: SavedFinding[];
}

const RUNNER = new URL('./runner.ts', import.meta.url).href;
// The runner thread loads TypeScript as the CLI does, by tsx, resolved from here, not from the working folder
// (Node 20 does not apply a worker's --import hooks to the worker's own module).
// require.resolve names the CommonJS build; its ES module build lies beside it.
const TSX_API = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs'),
).href;
const BOOT = `import(${JSON.stringify(TSX_API)}).then(({ tsImport }) => tsImport(${JSON.stringify(RUNNER)}, ${JSON.stringify(RUNNER)}))`;

export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  // Fuzzing time: from each runner thread's start on its first input to its end, summed over restarts.
  let fuzzedMs = 0;
  const budgetMs = options.seconds * 1000;
  const outcomes: Record<string, number> = {};
  const findings = new Map<string, SavedFinding>();
  let executions = 0;
  let nextIteration = 0;
  const maxExecutions = options.maxExecutions ?? Number.MAX_SAFE_INTEGER;

  const save = (finding: FindingReport) => {
    const known = findings.get(finding.signature);
    if (known) {
      known.repeats++;
      return;
    }
    const hash = createHash('sha256').update(finding.bytes).digest('hex').slice(0, 16);
    mkdirSync(options.findingsDir, { recursive: true });
    const file = join(options.findingsDir, `${hash}.bin`);
    writeFileSync(file, finding.bytes);
    const { bytes: _bytes, ...story } = finding;
    writeFileSync(join(options.findingsDir, `${hash}.json`), JSON.stringify({ ...story, seed: options.seed }, null, 2) + '\n');
    findings.set(finding.signature, { ...story, file, repeats: 0 });
    options.log?.(
      `FINDING (${finding.kind}) ${finding.message.split('\n')[0]}\n  input: ${file} (${finding.bytes.length} bytes), made by ${finding.description.slice(0, 400)}\n  replay: npm run fuzz -- ${options.name ?? '<target>'} --replay ${file}`,
    );
  };

  const stopped = () => (options.stopOnFinding && findings.size > 0) || executions >= maxExecutions;
  do {
    const shared = new SharedArrayBuffer(SHARED_BYTES);
    const header = new Int32Array(shared, 0, HEADER_INTS);
    Atomics.store(header, IN_FLIGHT, -1);
    const data: RunnerData = {
      targetModule: options.targetModule,
      corpusDir: options.corpusDir,
      seed: options.seed,
      firstIteration: nextIteration,
      budgetMs: options.replay ? Number.MAX_SAFE_INTEGER : budgetMs - fuzzedMs,
      maxExecutions: maxExecutions - executions,
      stopOnFinding: options.stopOnFinding ?? false,
      timeoutMs: options.timeoutMs,
      shared,
      ...(options.replay ? { replay: options.replay } : {}),
    };
    const ended = await runThread(data, header, options, save);
    fuzzedMs += ended.fuzzedMs;
    executions += ended.executions;
    for (const [outcome, count] of Object.entries(ended.outcomes)) outcomes[outcome] = (outcomes[outcome] ?? 0) + count;
    for (const [signature, count] of Object.entries(ended.repeats)) {
      const finding = findings.get(signature);
      if (finding) finding.repeats = Math.max(finding.repeats, count - 1);
    }
    if (ended.lost) {
      // The thread died on an input: that input is a finding, and the run goes on from the next.
      const shown = readShared(shared, ended.lost.iteration, ended.bigInput);
      save({
        ...shown,
        kind: ended.lost.kind,
        signature: signatureOf(ended.lost.kind, ended.lost.message),
        message: ended.lost.message,
        iteration: ended.lost.iteration,
      });
      outcomes[`FINDING ${ended.lost.kind}`] = (outcomes[`FINDING ${ended.lost.kind}`] ?? 0) + 1;
      executions++;
      nextIteration = ended.lost.iteration + 1;
    } else {
      break;
    }
  } while (!options.replay && fuzzedMs < budgetMs && !stopped());
  return { executions, seconds: fuzzedMs / 1000, outcomes, findings: [...findings.values()] };
}

interface ThreadEnd {
  fuzzedMs: number;
  executions: number;
  outcomes: Record<string, number>;
  repeats: Record<string, number>;
  /** The input the thread was on when it hung or died. */
  lost?: { iteration: number; kind: 'hang' | 'memory' | 'thread-exit'; message: string };
  bigInput?: { iteration: number; bytes: Uint8Array; description: string };
}

function runThread(data: RunnerData, header: Int32Array, options: FuzzOptions, save: (finding: FindingReport) => void): Promise<ThreadEnd> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb ?? 1024, stackSizeMb: options.stackMb ?? 1 },
      stdout: true,
      stderr: true,
    });
    // The parsers under test write nothing; a target's stray output is not the report's.
    worker.stdout.resume();
    worker.stderr.resume();
    let last: Omit<ThreadEnd, 'lost' | 'fuzzedMs'> = { executions: 0, outcomes: {}, repeats: {} };
    let ready: number | undefined;
    const fuzzedMs = () => (ready === undefined ? 0 : Date.now() - ready);
    let bigInput: ThreadEnd['bigInput'];
    let settled = false;
    let watched = { iteration: -1, since: Date.now() };
    const finish = (end: ThreadEnd) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      resolve(end);
    };
    const lose = (kind: 'hang' | 'memory' | 'thread-exit', message: string) => {
      const iteration = Atomics.load(header, IN_FLIGHT);
      if (iteration === -1 && !settled) {
        // Not on an input: the engine itself (its corpus, the target's module) failed.
        settled = true;
        clearInterval(watchdog);
        void worker.terminate();
        reject(new Error(`the fuzzing thread failed between inputs: ${message}`));
        return;
      }
      // Executions the thread completed since its last message still count.
      const executions = Atomics.load(header, COMPLETED);
      finish({ ...last, fuzzedMs: fuzzedMs(), executions, ...(bigInput ? { bigInput } : {}), lost: { iteration, kind, message } });
      void worker.terminate();
    };
    const watchdog = setInterval(() => {
      const iteration = Atomics.load(header, IN_FLIGHT);
      if (iteration !== watched.iteration) watched = { iteration, since: Date.now() };
      // The thread's own timer catches an input that never resolves; this one, an input that never yields.
      else if (iteration !== -1 && Date.now() - watched.since > data.timeoutMs * 1.5 + 100)
        lose('hang', `no answer within ${data.timeoutMs} ms (the thread did not yield)`);
    }, 100);
    worker.on('message', (message: RunnerMessage) => {
      if (message.type === 'ready') ready = Date.now();
      else if (message.type === 'finding') save(message.finding);
      else if (message.type === 'input') bigInput = message;
      else if (message.type === 'stats') last = message;
      else if (message.type === 'done') {
        last = message;
        finish({ ...last, fuzzedMs: fuzzedMs() });
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') lose('memory', `the input took more than the thread's ${options.heapMb ?? 1024} MB heap`);
      else lose('thread-exit', `${error.name}: ${error.message}`);
    });
    worker.on('exit', (code) => {
      if (!settled)
        lose('thread-exit', `the runner thread ended (exit code ${code}) without finishing: an input's promise never settled and nothing else was left to run`);
    });
  });
}

function readShared(shared: SharedArrayBuffer, iteration: number, bigInput: ThreadEnd['bigInput']): Pick<FindingReport, 'bytes' | 'delivery' | 'description'> {
  const header = new Int32Array(shared, 0, HEADER_INTS);
  const length = Atomics.load(header, INPUT_LENGTH);
  const bytes =
    length >= 0
      ? Buffer.from(new Uint8Array(shared, HEADER_INTS * 4, length))
      : bigInput?.iteration === iteration
        ? Buffer.from(bigInput.bytes)
        : Buffer.alloc(0);
  const deliveryLength = Atomics.load(header, DELIVERY_LENGTH);
  try {
    const told = JSON.parse(Buffer.from(new Uint8Array(shared, HEADER_INTS * 4 + INPUT_ROOM, deliveryLength)).toString('utf8')) as Pick<
      FindingReport,
      'delivery' | 'description'
    >;
    return { bytes, delivery: told.delivery, description: told.description };
  } catch {
    return { bytes, delivery: { gzip: false, chunks: [] }, description: 'unknown' };
  }
}
