// The fuzzing loop, on a thread of its own so that its supervisor can stop an input that hangs
// (a loop never yields to a timer on its own thread) or runs it out of memory.
import { parentPort, workerData } from 'node:worker_threads';
import { inputOf, loadCorpus, planArbitrary, planAt, type Input } from './inputs.js';
import {
  COMPLETED,
  DELIVERY_LENGTH,
  HEADER_INTS,
  IN_FLIGHT,
  INPUT_LENGTH,
  INPUT_ROOM,
  signatureOf,
  type FindingReport,
  type RunnerData,
  type RunnerMessage,
} from './protocol.js';
import { InvariantBroken, type FuzzTarget } from './target.js';

const data = workerData as RunnerData;
const port = parentPort;
if (!port) throw new Error('fuzz/runner.ts runs as a worker thread');
const post = (message: RunnerMessage) => port.postMessage(message);

const header = new Int32Array(data.shared, 0, HEADER_INTS);
const inputRoom = new Uint8Array(data.shared, HEADER_INTS * 4, INPUT_ROOM);
const deliveryRoom = new Uint8Array(data.shared, HEADER_INTS * 4 + INPUT_ROOM);

const target = ((await import(data.targetModule)) as { default: FuzzTarget }).default;
const outcomes: Record<string, number> = {};
const repeats: Record<string, number> = {};
let executions = 0;
let found = false;

/** Leaves the input where the supervisor can read it if this thread never comes back. */
function announce(iteration: number, input: Input): void {
  if (input.bytes.length <= INPUT_ROOM) {
    inputRoom.set(input.bytes);
    Atomics.store(header, INPUT_LENGTH, input.bytes.length);
  } else {
    Atomics.store(header, INPUT_LENGTH, -1);
    post({ type: 'input', iteration, bytes: input.bytes, description: input.description });
  }
  const delivery = Buffer.from(JSON.stringify({ delivery: input.delivery, description: input.description.slice(0, 60_000) }));
  deliveryRoom.set(delivery.subarray(0, deliveryRoom.length));
  Atomics.store(header, DELIVERY_LENGTH, Math.min(delivery.length, deliveryRoom.length));
  Atomics.store(header, IN_FLIGHT, iteration);
}

async function runOne(iteration: number, input: Input): Promise<void> {
  announce(iteration, input);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = Symbol('timed out');
  try {
    const outcome = await Promise.race([
      target.run(input.bytes, input.delivery),
      new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), data.timeoutMs))),
    ]);
    if (outcome === timedOut) report('hang', `no answer within ${data.timeoutMs} ms`, 'no answer', undefined, iteration, input);
    else outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    const kind = failure instanceof InvariantBroken ? 'invariant' : 'crash';
    const message = failure instanceof InvariantBroken ? failure.message : `${failure.name}: ${failure.message}`;
    report(kind, message, failure instanceof InvariantBroken ? failure.key : message, failure.stack, iteration, input);
  } finally {
    clearTimeout(timer);
    Atomics.store(header, IN_FLIGHT, -1);
    Atomics.store(header, COMPLETED, ++executions);
  }
}

function report(kind: FindingReport['kind'], message: string, key: string, stack: string | undefined, iteration: number, input: Input): void {
  found = true;
  const signature = signatureOf(kind, key);
  if (signature in repeats) {
    repeats[signature] = (repeats[signature] ?? 0) + 1;
    return;
  }
  repeats[signature] = 1;
  outcomes[`FINDING ${kind}`] = (outcomes[`FINDING ${kind}`] ?? 0) + 1;
  post({
    type: 'finding',
    finding: {
      kind,
      signature,
      message: message.slice(0, 2000),
      ...(stack ? { stack } : {}),
      iteration,
      description: input.description,
      bytes: input.bytes,
      delivery: input.delivery,
    },
  });
}

if (data.replay) {
  const input: Input = { bytes: Buffer.from(data.replay.bytes), delivery: data.replay.delivery, description: 'replayed' };
  post({ type: 'ready' });
  await runOne(0, input);
} else {
  const corpus = await loadCorpus(data.corpusDir, target);
  const plans = planArbitrary(target.dictionary);
  post({ type: 'ready' });
  const deadline = Date.now() + data.budgetMs;
  let lastStats = Date.now();
  for (let iteration = data.firstIteration; Date.now() < deadline && executions < data.maxExecutions && !(found && data.stopOnFinding); iteration++) {
    const input = await inputOf(planAt(plans, data.seed, iteration), corpus, target);
    await runOne(iteration, input);
    if (Date.now() - lastStats >= 1000) {
      lastStats = Date.now();
      post({ type: 'stats', executions, outcomes, repeats });
    }
  }
}
post({ type: 'done', executions, outcomes, repeats });
