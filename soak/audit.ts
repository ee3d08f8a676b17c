import type { Boundary } from './das-read-process.js';
import { eventOf, linesOf } from './output-lines.js';

/** What one SIGKILL cost: the events written again by the next run. */
export interface KillAccount {
  boundary: number;
  detail: string;
  repeated: number;
  /** Distinct Kinesis records (shard and sequence number) among them. */
  records: number;
  shards: string[];
  /** Whether their first copies were the last events the killed run wrote: the batch in flight. */
  lastWritten: boolean;
}

export interface Unexplained {
  id: number;
  eventId: string;
  why: string;
}

export interface Audit {
  produced: number;
  /** Event lines in the output, repeats included. */
  written: number;
  distinct: number;
  lost: number;
  lostIds: number[];
  /** Copies beyond the first. */
  repeated: number;
  kills: KillAccount[];
  unexplained: number;
  unexplainedSample: Unexplained[];
  /** Repeats that came in another Kinesis record: put twice, not written twice. */
  putTwice: number;
  /** Lines a run's end cut short (no newline), the next run's output appended to them. */
  torn: number;
  /** Lines that are no event of the soak's, none of them cut by a run's end. */
  unreadable: number;
  /** Events whose id the producer never put. */
  unknown: number;
  /** Events each run wrote, in order. */
  eventsByRun: number[];
  ok: boolean;
}

const recordOf = (eventId: string) => eventId.slice(0, eventId.lastIndexOf(':'));
const shardOf = (eventId: string) => eventId.slice(0, eventId.indexOf(':'));

/**
 * Everything written against everything produced (ids 0 to produced - 1). The output is cut into
 * runs at the boundaries; an event written twice is explained only by SIGKILLs between its two
 * copies, and a kill's repeats only if they were the last events the killed run wrote, from one
 * shard: one GetRecords batch, written but not yet checkpointed.
 */
export function audit(outPath: string, boundaries: readonly Boundary[], produced: number, maybeTwice: ReadonlySet<number> = new Set()): Audit {
  const offsets = boundaries.map((boundary) => boundary.offset);
  const runOf = (offset: number) => offsets.filter((at) => at <= offset).length;
  const copies = new Uint16Array(produced);
  const lastRun = new Int32Array(produced).fill(-1);
  const lastLine = new Int32Array(produced);
  const lastEventId: string[] = new Array<string>(produced);
  const linesInRun = new Array<number>(boundaries.length + 1).fill(0);
  const kills = new Map<number, { repeated: number; records: Set<string>; shards: Set<string>; lines: number[] }>();
  const unexplainedSample: Unexplained[] = [];
  let [written, repeated, unexplained, putTwice, torn, unreadable, unknown] = [0, 0, 0, 0, 0, 0, 0];
  const explainNot = (id: number, eventId: string, why: string) => {
    unexplained++;
    if (unexplainedSample.length < 10) unexplainedSample.push({ id, eventId, why });
  };

  for (const line of linesOf(outPath)) {
    const end = line.start + line.text.length;
    // A run's end inside a line: the run before wrote the first piece and no newline.
    const cuts = offsets.filter((at) => at > line.start && at <= end);
    const starts = [line.start, ...cuts];
    starts.forEach((start, index) => {
      const stop = starts[index + 1] ?? end;
      const piece = line.text.subarray(start - line.start, stop - line.start);
      const whole = index === starts.length - 1 && line.ended;
      if (piece.length === 0) return;
      if (!whole) torn++;
      const event = eventOf(piece);
      if (!event) {
        if (whole) unreadable++;
        return;
      }
      const { id, eventId } = event;
      if (!Number.isInteger(id) || id < 0 || id >= produced) {
        unknown++;
        return;
      }
      const run = runOf(start);
      const lineInRun = linesInRun[run] ?? 0;
      linesInRun[run] = lineInRun + 1;
      written++;
      if ((copies[id] ?? 0) > 0) {
        repeated++;
        const previousRun = lastRun[id]!;
        const kinds = boundaries.slice(previousRun, run).map((boundary) => boundary.kind);
        if (lastEventId[id] !== eventId) {
          putTwice++;
          if (!maybeTwice.has(id)) explainNot(id, eventId, `also in another record (${lastEventId[id]}), which the producer did not put twice`);
        } else if (previousRun === run) explainNot(id, eventId, `twice in run ${run + 1}`);
        else if (kinds.some((kind) => kind !== 'sigkill'))
          explainNot(id, eventId, `again after run ${previousRun + 1} ended (${kinds.join(', ')}): only a SIGKILL may repeat`);
        else {
          const kill = kills.get(previousRun) ?? { repeated: 0, records: new Set<string>(), shards: new Set<string>(), lines: [] };
          kills.set(previousRun, kill);
          kill.repeated++;
          kill.records.add(recordOf(eventId));
          kill.shards.add(shardOf(eventId));
          kill.lines.push(lastLine[id]!);
        }
      }
      copies[id] = (copies[id] ?? 0) + 1;
      lastRun[id] = run;
      lastLine[id] = lineInRun;
      lastEventId[id] = eventId;
    });
  }

  const lostIds: number[] = [];
  let lost = 0;
  for (let id = 0; id < produced; id++) {
    if (copies[id] !== 0) continue;
    lost++;
    if (lostIds.length < 20) lostIds.push(id);
  }
  const accounts = boundaries.flatMap((boundary, index): KillAccount[] => {
    if (boundary.kind !== 'sigkill') return [];
    const kill = kills.get(index);
    if (!kill) return [{ boundary: index, detail: boundary.detail, repeated: 0, records: 0, shards: [], lastWritten: true }];
    const lines = new Set(kill.lines);
    const first = Math.min(...lines);
    const lastWritten = Math.max(...lines) === (linesInRun[index] as number) - 1 && lines.size === (linesInRun[index] as number) - first;
    return [{ boundary: index, detail: boundary.detail, repeated: kill.repeated, records: kill.records.size, shards: [...kill.shards], lastWritten }];
  });
  const killsOk = accounts.every((kill) => kill.repeated === 0 || (kill.lastWritten && kill.shards.length === 1));
  return {
    produced,
    written,
    distinct: produced - lost,
    lost,
    lostIds,
    repeated,
    kills: accounts,
    unexplained,
    unexplainedSample,
    putTwice,
    torn,
    unreadable,
    unknown,
    eventsByRun: linesInRun,
    ok: lost === 0 && unexplained === 0 && killsOk && torn === 0 && unreadable === 0 && unknown === 0,
  };
}
