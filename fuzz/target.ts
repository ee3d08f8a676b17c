// What a fuzz target is to the engine: an adapter over one of das-read's parsers of untrusted bytes.
// Adapters stay thin (fuzz/targets/*.ts), so that they can follow the parser they call when it changes.
import { gzipSync } from 'node:zlib';

/** How a target that reads a stream gets its bytes: gzip'd or not, cut into chunks of these sizes in turn. */
export interface Delivery {
  gzip: boolean;
  chunks: number[];
}

/**
 * A format inside the input (base64 inside JSON, a message inside base64...): mutations made
 * there reach the parsers behind the outer layer's checks. Layers nest: each opens the bytes of
 * the one before it.
 */
export interface Layer {
  name: string;
  /** The inner bytes, or undefined when these bytes do not hold this layer. */
  open(outer: Uint8Array): Promise<Uint8Array | undefined>;
  /** The outer bytes again, around a (mutated) inner, `outer` being what it was opened from. */
  close(inner: Uint8Array, outer: Uint8Array): Promise<Uint8Array>;
}

export interface FuzzTarget {
  /** Reads a stream: the engine then gzips (sometimes) and chunks the mutated bytes. */
  streams?: boolean;
  layers?: Layer[];
  /** Tokens worth inserting into this target's inputs (field names, keywords). */
  dictionary?: string[];
  /**
   * Runs one input and resolves to its outcome, a short classification ("record",
   * "unreadable:not-json"...). Throws InvariantBroken when the result breaks the target's
   * promise; any other throw is a crash (the adapter catches the parser's expected error families).
   */
  run(input: Uint8Array, delivery: Delivery): Promise<string>;
}

/** The target's answer was wrong: not a crash, a broken promise. `key` names which, the same whatever the input. */
export class InvariantBroken extends Error {
  override name = 'InvariantBroken';
  constructor(
    readonly key: string,
    details?: string,
  ) {
    super(details ? `${key}: ${details}` : key);
  }
}

/** Throws InvariantBroken unless `condition`: `key` says which promise (findings are told apart by it), `details` this input's case. */
export function invariant(condition: unknown, key: string, details?: () => string): asserts condition {
  if (!condition) throw new InvariantBroken(key, details?.());
}

/** After this many chunks of the drawn sizes, the rest comes in large ones: thousands of tiny chunks would cost more than they find. */
export const DRAWN_CHUNKS = 64;
const REST_CHUNK = 64 * 1024;

/** The bytes as a stream delivers them: in chunks of the given sizes in turn, then large ones. */
export function chunksOf(bytes: Buffer, chunks: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (let turn = 0; at < bytes.length; turn++) {
    const size = turn < DRAWN_CHUNKS ? Math.max(1, chunks[turn % chunks.length] ?? bytes.length) : REST_CHUNK;
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

/** What a stream target reads: `input` gzip'd when the delivery says so, then cut into its chunks. */
export function delivered(input: Uint8Array, delivery: Delivery): Buffer[] {
  const plain = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  return chunksOf(delivery.gzip ? gzipSync(plain) : plain, delivery.chunks);
}
