import { describe, expect, it } from 'vitest';
import { decodeBatches } from '../../src/decode/decode-stage.js';
import type { Decoder } from '../../src/decode/decoder.js';
import type { ShardBatch } from '../../src/kinesis/shard-reader.js';
import { RecordError } from '../../src/errors.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';

// A decoder whose speed each record sets: the stage's ordering is what is under test here.
function delayedDecoder(delays: Record<string, number>, failing = new Set<string>()): Decoder {
  return {
    stats: { kmsDecryptCalls: 0 },
    close: async () => {},
    async decode(record) {
      await new Promise((resolve) => setTimeout(resolve, delays[record.sequenceNumber] ?? 0));
      if (failing.has(record.sequenceNumber)) throw new RecordError(record, 'bad');
      return DecodedActivityRecord.of({ ...record, version: '1.1', clusterId: null, instanceId: null }, []);
    },
  };
}

const batch = (shardId: string, ...sequenceNumbers: string[]): ShardBatch => ({
  shardId,
  records: sequenceNumbers.map((sequenceNumber) => ({ shardId, sequenceNumber, data: new Uint8Array() })),
  millisBehindLatest: 0,
  shardEnded: false,
});

async function* source(...batches: ShardBatch[]) {
  yield* batches;
}

// Array.fromAsync arrives only in Node 22.
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('the decode stage', () => {
  it('yields batches in arrival order even when a later one decodes first', async () => {
    const out: string[] = [];
    for await (const decoded of decodeBatches(source(batch('a', '1'), batch('b', '2'), batch('a', '3')), delayedDecoder({ '1': 40, '2': 0, '3': 0 }))) {
      out.push(decoded.outcomes.map((outcome) => outcome.raw.sequenceNumber).join());
    }
    expect(out).toEqual(['1', '2', '3']);
  });

  it('keeps records in order within a batch', async () => {
    const [decoded] = await collect(decodeBatches(source(batch('a', '1', '2', '3')), delayedDecoder({ '1': 30, '2': 10 })));
    expect(decoded?.outcomes.map((outcome) => outcome.decoded?.sequenceNumber)).toEqual(['1', '2', '3']);
  });

  it('gives every record its outcome, the bad ones with their reason', async () => {
    const [decoded] = await collect(decodeBatches(source(batch('a', '1', '2', '3')), delayedDecoder({ '1': 20 }, new Set(['2']))));
    expect(decoded?.outcomes.map((outcome) => [outcome.raw.sequenceNumber, outcome.decoded !== undefined])).toEqual([
      ['1', true],
      ['2', false],
      ['3', true],
    ]);
    expect((decoded?.outcomes[1]?.error as RecordError).position.sequenceNumber).toBe('2');
  });

  it('yields a decoded batch without waiting for the next one to arrive', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* slowSource() {
      yield batch('a', '1');
      await gate;
      yield batch('a', '2');
    }
    const stage = decodeBatches(slowSource(), delayedDecoder({}));
    // The gate opens only after this: a stage that waited for the next batch would never answer, and the test would time out.
    const first = await stage.next();
    expect(first.done).toBe(false);
    release();
    await stage.return(undefined);
  });

  it('cuts a long batch into chunks, in order, only the last carrying the shard end and lag, two decoded at a time', async () => {
    const long = { ...batch('a', ...Array.from({ length: 7 }, (_, i) => String(i))), shardEnded: true, millisBehindLatest: 42 };
    let inFlight = 0;
    let most = 0;
    const counting = delayedDecoder({});
    const decoder = {
      ...counting,
      async decode(record: Parameters<typeof counting.decode>[0]) {
        most = Math.max(most, ++inFlight);
        try {
          return await counting.decode(record);
        } finally {
          inFlight--;
        }
      },
    };
    const chunks = await collect(decodeBatches(source(long, batch('a', '7')), decoder, { chunk: 3, window: 2 }));
    expect(chunks.map((chunk) => chunk.outcomes.map((outcome) => outcome.raw.sequenceNumber).join())).toEqual(['0,1,2', '3,4,5', '6', '7']);
    expect(chunks.map((chunk) => [chunk.shardEnded, chunk.millisBehindLatest])).toEqual([
      [false, undefined],
      [false, undefined],
      [true, 42],
      [false, 0],
    ]);
    expect(most).toBe(6);
  });
});
