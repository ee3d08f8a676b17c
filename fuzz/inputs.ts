// From a seed and an iteration number to one input: the corpus entry, the layer, the mutations and
// the delivery are drawn by fast-check from (seed, iteration) alone, so any input of a run is made
// again from those two numbers, and the runner can go on after a hang from the next one.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { applyMutation, describeMutation, mutationArbitrary, type Mutation } from './mutators.js';
import type { Delivery, FuzzTarget } from './target.js';

export interface Plan {
  base: number;
  depth: number;
  mutations: Mutation[];
  gzip: boolean;
  chunks: number[];
}

export interface Input {
  bytes: Buffer;
  delivery: Delivery;
  /** Which corpus file, at which layer, mutated how: for the report. */
  description: string;
}

export function planArbitrary(dictionary: readonly string[] = []): fc.Arbitrary<Plan> {
  return fc.record({
    base: fc.nat(),
    depth: fc.nat(),
    mutations: fc.array(mutationArbitrary(dictionary), { minLength: 1, maxLength: 5 }),
    gzip: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    // Small chunks cut every token in turn; large ones are how files and pipes arrive.
    chunks: fc.array(fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 1 << 16 })), { minLength: 1, maxLength: 6 }),
  });
}

/** The plan of one iteration: the same (seed, iteration) always draws the same plan. */
export function planAt(arbitrary: fc.Arbitrary<Plan>, seed: number, iteration: number): Plan {
  const [plan] = fc.sample(arbitrary, { seed: (seed + Math.imul(iteration, 0x9e3779b1)) | 0, numRuns: 1 });
  return plan as Plan;
}

export interface CorpusEntry {
  file: string;
  /** The entry at each layer it holds: [0] is the file's bytes. */
  layers: Uint8Array[];
}

/** The committed inputs of a target, each opened to every layer it holds. */
export async function loadCorpus(dir: string, target: FuzzTarget): Promise<CorpusEntry[]> {
  const files = readdirSync(dir)
    .filter((file) => !file.startsWith('.') && file !== 'README.md')
    .sort();
  if (files.length === 0) throw new Error(`no corpus in ${dir}`);
  const entries: CorpusEntry[] = [];
  for (const file of files) {
    const layers: Uint8Array[] = [readFileSync(join(dir, file))];
    for (const layer of target.layers ?? []) {
      const inner = await layer.open(layers[layers.length - 1] as Uint8Array).catch(() => undefined);
      if (!inner) break;
      layers.push(inner);
    }
    entries.push({ file, layers });
  }
  return entries;
}

/** The input a plan describes. */
export async function inputOf(plan: Plan, corpus: readonly CorpusEntry[], target: FuzzTarget): Promise<Input> {
  const entry = corpus[plan.base % corpus.length] as CorpusEntry;
  // Half the inputs are mutated as they arrive, the other half in one of the layers inside, which cost
  // more to make again (the record's payload is encrypted again each time).
  const depth = plan.depth % 2 === 0 || entry.layers.length === 1 ? 0 : 1 + ((plan.depth >> 1) % (entry.layers.length - 1));
  const others = corpus.flatMap((other) => (other.layers[depth] ? [other.layers[depth]] : []));
  let bytes: Buffer = Buffer.from(entry.layers[depth] as Uint8Array);
  for (const mutation of plan.mutations) bytes = applyMutation(bytes, mutation, others);
  for (let level = depth; level > 0; level--) {
    const layer = (target.layers ?? [])[level - 1];
    if (layer) bytes = Buffer.from(await layer.close(bytes, entry.layers[level - 1] as Uint8Array));
  }
  const layerName = depth === 0 ? 'the input' : `layer ${(target.layers ?? [])[depth - 1]?.name}`;
  const delivery: Delivery = target.streams ? { gzip: plan.gzip, chunks: plan.chunks } : { gzip: false, chunks: [] };
  return { bytes, delivery, description: `${entry.file}, ${layerName}: ${plan.mutations.map(describeMutation).join(' then ')}` };
}
