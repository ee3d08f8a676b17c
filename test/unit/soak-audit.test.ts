import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../../soak/audit.js';
import type { Boundary } from '../../soak/das-read-process.js';

const dir = mkdtempSync(join(tmpdir(), 'soak-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An event line as das-read writes it, reduced to what the audit reads: record `n` of a shard holds ids 2n and 2n+1. */
const line = (id: number, shard = 0) =>
  JSON.stringify({ statementId: id, eventId: `shardId-00000000000${shard}:${1000 + Math.floor(id / 2)}:${id % 2}` }) + '\n';
const lines = (ids: number[], shard = 0) => ids.map((id) => line(id, shard)).join('');

/** Runs' outputs one after the other, each run ended by the boundary given with it. */
function output(name: string, runs: Array<{ text: string; endedBy?: Boundary['kind'] }>): { path: string; boundaries: Boundary[] } {
  const boundaries: Boundary[] = [];
  let text = '';
  for (const run of runs) {
    text += run.text;
    if (run.endedBy) boundaries.push({ kind: run.endedBy, offset: Buffer.byteLength(text), atMs: 0, detail: '' });
  }
  const path = join(dir, name);
  writeFileSync(path, text);
  return { path, boundaries };
}

describe('the soak audit: everything written against everything produced', () => {
  it('every id once: nothing lost, nothing repeated', () => {
    const { path, boundaries } = output('clean', [{ text: lines([0, 1, 2, 3]), endedBy: 'sigterm' }, { text: lines([4, 5]) }]);
    const result = audit(path, boundaries, 6);
    expect(result).toMatchObject({ written: 6, distinct: 6, lost: 0, repeated: 0, unexplained: 0, ok: true });
    expect(result.eventsByRun).toEqual([4, 2]);
  });

  it('an id never written is lost, and named', () => {
    const { path, boundaries } = output('lost', [{ text: lines([0, 1, 2, 4, 5]) }]);
    expect(audit(path, boundaries, 6)).toMatchObject({ lost: 1, lostIds: [3], ok: false });
  });

  it('a SIGKILL may repeat the last events the killed run wrote, from one shard: counted against that kill', () => {
    const { path, boundaries } = output('kill', [{ text: lines([0, 1, 2, 3]), endedBy: 'sigkill' }, { text: lines([2, 3, 4, 5]) }]);
    const result = audit(path, boundaries, 6);
    expect(result).toMatchObject({ repeated: 2, unexplained: 0, ok: true });
    expect(result.kills).toEqual([expect.objectContaining({ repeated: 2, records: 1, shards: ['shardId-000000000000'], lastWritten: true })]);
  });

  it('repeats a kill explains only if they were the last events written: earlier ones fail', () => {
    const { path, boundaries } = output('kill-early', [{ text: lines([0, 1, 2, 3]), endedBy: 'sigkill' }, { text: lines([0, 1, 4, 5]) }]);
    const result = audit(path, boundaries, 6);
    expect(result.kills[0]).toMatchObject({ repeated: 2, lastWritten: false });
    expect(result.ok).toBe(false);
  });

  it('repeats from two shards are more than one batch: they fail', () => {
    const { path, boundaries } = output('kill-two-shards', [
      { text: lines([0, 1], 0) + lines([2, 3], 1), endedBy: 'sigkill' },
      { text: lines([0, 1], 0) + lines([2, 3], 1) },
    ]);
    const result = audit(path, boundaries, 4);
    expect(result.kills[0]?.shards).toHaveLength(2);
    expect(result.ok).toBe(false);
  });

  it('a repeat across a clean stop, or within one run, is unexplained', () => {
    const acrossStop = output('stop', [{ text: lines([0, 1]), endedBy: 'sigterm' }, { text: lines([1, 2]) }]);
    expect(audit(acrossStop.path, acrossStop.boundaries, 3)).toMatchObject({ repeated: 1, unexplained: 1, ok: false });
    const within = output('within', [{ text: lines([0, 1, 1, 2]) }]);
    expect(audit(within.path, within.boundaries, 3).unexplainedSample[0]?.why).toMatch(/twice in run 1/);
  });

  it('a line a kill cut short is torn; the event the next run writes whole is not lost', () => {
    const cut = line(2).slice(0, 20);
    const { path, boundaries } = output('torn', [{ text: lines([0, 1]) + cut, endedBy: 'sigkill' }, { text: lines([2, 3]) }]);
    expect(audit(path, boundaries, 4)).toMatchObject({ torn: 1, lost: 0, unreadable: 0, ok: false });
  });

  it('the same event in another Kinesis record is the producer putting it twice, excused only when it retried that put', () => {
    const text = lines([0, 1]) + JSON.stringify({ statementId: 1, eventId: 'shardId-000000000001:9:0' }) + '\n';
    const { path, boundaries } = output('put-twice', [{ text }]);
    expect(audit(path, boundaries, 2, new Set([1]))).toMatchObject({ putTwice: 1, unexplained: 0, ok: true });
    expect(audit(path, boundaries, 2)).toMatchObject({ putTwice: 1, unexplained: 1, ok: false });
  });
});
