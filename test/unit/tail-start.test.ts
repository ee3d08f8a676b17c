import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tailOver, type TailStart } from '../../src/commands/read/tail.js';
import type { DecodedBatch } from '../../src/decode/decode-stage.js';
import type { DecodedRecord } from '../../src/decode/types.js';
import type { StartPosition } from '../../src/kinesis/positions.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');

/** A record of the test's stream: its shard, its place there, when it arrived, how many events it holds. */
interface Stored {
  shardId: string;
  sequenceNumber: string;
  at: number;
  events: number;
}

const eventId = (record: { shardId: string; sequenceNumber: string }, index: number) => `${record.shardId}/${record.sequenceNumber}/${index}`;

function decoded(record: Stored): DecodedRecord {
  const json = (index: number) => JSON.stringify({ id: eventId(record, index) });
  return {
    shardId: record.shardId,
    sequenceNumber: record.sequenceNumber,
    version: '1.2',
    clusterId: 'cluster-X',
    instanceId: 'db-A',
    eventCount: record.events,
    eventJson: json,
    eventBytes: (index) => new TextEncoder().encode(json(index)),
    isHeartbeat: () => false,
    carriesIdField: () => false,
    get events() {
      return Array.from({ length: record.events }, (_, index) => JSON.parse(json(index)) as DecodedRecord['events'][number]);
    },
  };
}

/** Records at or after a start, in their shard's order. */
function from(records: Stored[], shardId: string, start: StartPosition): Stored[] {
  const ofShard = records.filter((record) => record.shardId === shardId).sort((a, b) => (BigInt(a.sequenceNumber) < BigInt(b.sequenceNumber) ? -1 : 1));
  switch (start.type) {
    case 'TRIM_HORIZON':
      return ofShard;
    case 'AT_TIMESTAMP':
      return ofShard.filter((record) => record.at >= start.timestamp.getTime());
    case 'AT_SEQUENCE_NUMBER':
      return ofShard.filter((record) => BigInt(record.sequenceNumber) >= BigInt(start.sequenceNumber));
    case 'AFTER_SEQUENCE_NUMBER':
      return ofShard.filter((record) => BigInt(record.sequenceNumber) > BigInt(start.sequenceNumber));
    default:
      throw new Error(`no such start: ${JSON.stringify(start)}`);
  }
}

/**
 * The test's stream, read up to its end from a start: one batch per shard and per `chunk` records, the shards'
 * batches interleaved in the order `interleave` gives (each shard in its own order, as Kinesis reads them).
 */
function stream(records: Stored[], shardIds: string[], chunk = 2, interleave: (queues: number) => number = () => 0) {
  const asked: StartPosition[] = [];
  const read = async function* (start: StartPosition): AsyncGenerator<DecodedBatch> {
    await Promise.resolve();
    asked.push(start);
    const queues = shardIds.map((shardId) => ({ shardId, left: from(records, shardId, start) })).filter((queue) => queue.left.length > 0);
    while (queues.length > 0) {
      const pick = interleave(queues.length) % queues.length;
      const queue = queues[pick];
      if (!queue) break;
      const taken = queue.left.splice(0, chunk);
      if (queue.left.length === 0) queues.splice(pick, 1);
      yield {
        shardId: queue.shardId,
        shardEnded: false,
        outcomes: taken.map((record) => ({
          raw: { shardId: record.shardId, sequenceNumber: record.sequenceNumber, data: new Uint8Array(), arrivalTime: new Date(record.at) },
          decoded: decoded(record),
        })),
      };
    }
  };
  return { read, asked };
}

/**
 * What the read writes from the tail's start: each shard from where it says, its first record's handled events passed;
 * with --no-follow (`ended`), up to where the look-back ended.
 */
function written(records: Stored[], shardIds: string[], start: TailStart, keeps: (record: Stored, index: number) => boolean, ended = false): string[] {
  const out: string[] = [];
  for (const shardId of shardIds) {
    const end = ended ? start.endAfter(shardId) : undefined;
    const upToEnd = (record: Stored) => end === undefined || (end !== null && BigInt(record.sequenceNumber) <= BigInt(end));
    for (const record of from(records, shardId, start.resumeAt(shardId)).filter(upToEnd)) {
      for (let index = start.handled(shardId, record.sequenceNumber); index < record.events; index++)
        if (keeps(record, index)) out.push(eventId(record, index));
    }
  }
  return out.sort();
}

/** The last n of the events kept, by arrival (a record's events in their order). */
function latest(records: Stored[], n: number, keeps: (record: Stored, index: number) => boolean): string[] {
  const all = [...records]
    .sort((a, b) => a.at - b.at)
    .flatMap((record) =>
      Array.from({ length: record.events }, (_, index) => index)
        .filter((index) => keeps(record, index))
        .map((index) => eventId(record, index)),
    );
  return all.slice(Math.max(0, all.length - n)).sort();
}

const keepAll = () => true;
const asKept = (keeps: (record: Stored, index: number) => boolean) => (record: DecodedRecord, index: number) =>
  keeps({ shardId: record.shardId, sequenceNumber: record.sequenceNumber, at: 0, events: record.eventCount }, index);

describe('--tail n: where each shard starts so that the first events written are the last n', () => {
  // Ten records of three events, over two shards in turn, a second apart, the last a second ago.
  const ten: Stored[] = Array.from({ length: 10 }, (_, r) => ({
    shardId: `shard-${r % 2}`,
    sequenceNumber: String(100 + r),
    at: NOW.getTime() - (10 - r) * 1_000,
    events: 3,
  }));
  const shards = ['shard-0', 'shard-1'];

  it('the last 4 of 30 events on two shards: the newest record whole, and the last event of the one before it', async () => {
    const { read, asked } = stream(ten, shards);
    const start = await tailOver(4, read, { keeps: keepAll, now: NOW });
    // Record 108 (shard-0) from its third event, record 109 (shard-1) whole.
    expect(start.resumeAt('shard-0')).toEqual({ type: 'AT_SEQUENCE_NUMBER', sequenceNumber: '108' });
    expect(start.handled('shard-0', '108')).toBe(2);
    expect(start.resumeAt('shard-1')).toEqual({ type: 'AT_SEQUENCE_NUMBER', sequenceNumber: '109' });
    expect(start.handled('shard-1', '109')).toBe(0);
    // Only the start record is partly handled: later ones come whole.
    expect(start.handled('shard-0', '110')).toBe(0);
    expect(written(ten, shards, start, keepAll)).toEqual(['shard-0/108/2', 'shard-1/109/0', 'shard-1/109/1', 'shard-1/109/2']);
    // The last minute held them: no wider look back.
    expect(asked).toEqual([{ type: 'AT_TIMESTAMP', timestamp: new Date(NOW.getTime() - 60_000) }]);
  });

  it('more than the stream holds: all of it, after looking back over ever wider windows to the oldest record', async () => {
    const old = ten.map((record, r) => ({ ...record, at: NOW.getTime() - (r + 1) * 2 * 3_600_000 }));
    const { read, asked } = stream(old, shards);
    const start = await tailOver(1_000, read, { keeps: keepAll, now: NOW });
    expect(asked.map((position) => (position.type === 'AT_TIMESTAMP' ? NOW.getTime() - position.timestamp.getTime() : position.type))).toEqual([
      60_000,
      600_000,
      3_600_000,
      21_600_000,
      'TRIM_HORIZON',
    ]);
    expect(written(old, shards, start, keepAll)).toHaveLength(30);
  });

  it('a shard with none of the n starts after what the look back read of it; one with nothing in the window, where it looked from', async () => {
    const records: Stored[] = [
      { shardId: 'shard-0', sequenceNumber: '1', at: NOW.getTime() - 30_000, events: 2 },
      { shardId: 'shard-0', sequenceNumber: '2', at: NOW.getTime() - 20_000, events: 2 },
      { shardId: 'shard-1', sequenceNumber: '5', at: NOW.getTime() - 40_000, events: 1 },
      { shardId: 'shard-2', sequenceNumber: '9', at: NOW.getTime() - 2 * 3_600_000, events: 1 },
    ];
    const all = ['shard-0', 'shard-1', 'shard-2'];
    const start = await tailOver(2, stream(records, all).read, { keeps: keepAll, now: NOW });
    expect(start.resumeAt('shard-0')).toEqual({ type: 'AT_SEQUENCE_NUMBER', sequenceNumber: '2' });
    expect(start.resumeAt('shard-1')).toEqual({ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '5' });
    expect(start.resumeAt('shard-2')).toEqual({ type: 'AT_TIMESTAMP', timestamp: new Date(NOW.getTime() - 60_000) });
    expect(written(records, all, start, keepAll)).toEqual(['shard-0/2/0', 'shard-0/2/1']);
  });

  it('counts only the events the read keeps (filters, heartbeats): the last n of those', async () => {
    const odd = (record: Stored, index: number) => (Number(record.sequenceNumber) * 3 + index) % 2 === 1;
    const start = await tailOver(3, stream(ten, shards).read, { keeps: asKept(odd), now: NOW });
    expect(written(ten, shards, start, odd)).toEqual(latest(ten, 3, odd));
    expect(written(ten, shards, start, odd)).toHaveLength(3);
  });

  it('--no-follow: what arrives after the look-back is not written, on a shard it started in nor on one it found empty', async () => {
    const { read } = stream(ten, shards);
    const start = await tailOver(4, read, { keeps: keepAll, now: NOW });
    // Arrived once the look-back had read to the tip: on both shards, and on a third, new or empty until then.
    const later: Stored[] = [
      { shardId: 'shard-0', sequenceNumber: '120', at: NOW.getTime() + 1_000, events: 2 },
      { shardId: 'shard-1', sequenceNumber: '121', at: NOW.getTime() + 2_000, events: 2 },
      { shardId: 'shard-2', sequenceNumber: '122', at: NOW.getTime() + 3_000, events: 2 },
    ];
    const all = [...shards, 'shard-2'];
    expect(written([...ten, ...later], all, start, keepAll, true)).toEqual(['shard-0/108/2', 'shard-1/109/0', 'shard-1/109/1', 'shard-1/109/2']);
    expect(start.endAfter('shard-0')).toBe('108');
    expect(start.endAfter('shard-2')).toBeNull();
    // Following, they are written after the n.
    expect(written([...ten, ...later], all, start, keepAll)).toHaveLength(4 + 6);
  });

  it("a shard whose arrival times run backwards: still exactly n, each shard's part the end of what it holds", async () => {
    // Two arrivals out of order on shard-0 (clocks of the hosts that stamp them differ), the newest first.
    const records: Stored[] = [
      { shardId: 'shard-0', sequenceNumber: '1', at: NOW.getTime() - 1_000, events: 1 },
      { shardId: 'shard-0', sequenceNumber: '2', at: NOW.getTime() - 9_000, events: 1 },
      { shardId: 'shard-1', sequenceNumber: '3', at: NOW.getTime() - 5_000, events: 1 },
    ];
    const start = await tailOver(2, stream(records, shards).read, { keeps: keepAll, now: NOW });
    expect(written(records, shards, start, keepAll)).toEqual(['shard-0/2/0', 'shard-1/3/0']);
  });

  it("property: for any records over any shards, any n and any filter, however the shards' batches interleave, exactly the last n kept are written", async () => {
    const record = fc.record({ shard: fc.integer({ min: 0, max: 3 }), events: fc.integer({ min: 1, max: 5 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 0, maxLength: 25 }),
        // Arrival gaps, so that the windows of a minute, ten, an hour and six are each crossed by some runs.
        fc.array(fc.integer({ min: 1, max: 3 * 3_600_000 }), { minLength: 25, maxLength: 25 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 1, max: 3 }),
        async (shape, gaps, n, modulo, picks, chunk) => {
          // Oldest first, each arriving after the one before: ties broken by nothing the stream does not say.
          let at = NOW.getTime();
          const arrivals = shape.map((_, r) => (at -= gaps[r] ?? 1)).reverse();
          const records: Stored[] = shape.map((shapeOf, r) => ({
            shardId: `shard-${shapeOf.shard}`,
            sequenceNumber: String(1_000 + r),
            at: arrivals[r] ?? 0,
            events: shapeOf.events,
          }));
          const shardIds = ['shard-0', 'shard-1', 'shard-2', 'shard-3'];
          const keeps = (kept: Stored, index: number) => (Number(kept.sequenceNumber) + index) % modulo !== 0 || modulo === 1;
          let turn = 0;
          const { read } = stream(records, shardIds, chunk, () => picks[turn++ % picks.length] ?? 0);
          const start = await tailOver(n, read, { keeps: asKept(keeps), now: NOW });
          expect(written(records, shardIds, start, keeps)).toEqual(latest(records, n, keeps));
          // With --no-follow, the same n, whatever arrived on any shard since the look-back.
          const later = shape.map((shapeOf, r) => ({
            shardId: `shard-${(shapeOf.shard + r) % 4}`,
            sequenceNumber: String(5_000 + r),
            at: NOW.getTime() + r,
            events: 1,
          }));
          expect(written([...records, ...later], shardIds, start, keeps, true)).toEqual(latest(records, n, keeps));
        },
      ),
      { numRuns: 300 },
    );
  });
});
