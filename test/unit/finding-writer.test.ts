import { describe, expect, it } from 'vitest';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { FindingWriter } from '../../src/commands/detect/finding-writer.js';
import { EventView } from '../../src/detect/event-view.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import type { Detector } from '../../src/detect/detector.js';
import type { Finding, SeenEvent } from '../../src/detect/finding.js';
import { formatted } from '../../src/format/event-formatter.js';
import { Utf8Builder } from '../../src/format/utf8-builder.js';
import { SavedRecord } from '../../src/saved/saved-record.js';
import type { DasEvent } from '../../src/decode/types.js';

const RULE = { id: 'r', title: 'T', level: 'low', description: '', tags: [], engines: [], source: 't.yml', correlation: false } as const;
const findingOf = (seen: SeenEvent): Finding => ({
  rule: { ...RULE, tags: [], engines: [] },
  uid: seen.eventId,
  first: '',
  last: '',
  eventCount: 1,
  evidence: [seen],
});

/** A detector that finds every event, and one more held to the end. */
function fakeDetector(seen: SeenEvent[]): Detector {
  return {
    observe: (event) => (seen.push(event), [findingOf(event)]),
    end: () => [findingOf({ event: { type: 'record' }, eventId: 'pending', clusterId: null, instanceId: null })],
    exportState: () => ({}),
    importState: () => {},
    stats: { droppedGroups: 0, droppedEvents: 0, untimedEvents: 0, groupsLeftOutOfState: 0 },
  };
}

const record = DecodedActivityRecord.of({ shardId: 'shard-1', sequenceNumber: '42', version: '1.1', clusterId: 'cluster-A', instanceId: 'db-B' }, [
  postgresEvent(0),
  postgresEvent(1),
]);

describe('FindingWriter', () => {
  it("gives the rules a record's kept events with the ids -o ndjson gives them, and writes what is pending at the end", () => {
    const seen: SeenEvent[] = [];
    const writer = new FindingWriter(fakeDetector(seen), (finding) => `${finding.uid}\n`);
    const live = writer.live({ redact: false });
    expect(formatted(live, record, [1])).toBe('shard-1:42:1\n');
    expect(seen.map((event) => [event.eventId, event.clusterId, event.instanceId])).toEqual([['shard-1:42:1', 'cluster-A', 'db-B']]);
    const out = { parts: [] as string[], append: (text: string) => void out.parts.push(text) };
    live.end?.(out as never);
    expect(out.parts.join('')).toBe('pending\n');
    expect(writer.tally.total).toBe(2);
    expect(writer.events).toBe(1);
  });

  it('takes a saved line apart: its ids are the record’s, not fields the rules see; without an eventId, its place names it', () => {
    const seen: SeenEvent[] = [];
    const writer = new FindingWriter(fakeDetector(seen), (finding) => `${finding.uid}\n`);
    const saved = writer.saved({ redact: false });
    const line = (event: DasEvent, place: string) => new SavedRecord(JSON.stringify(event), event, place);
    expect(formatted(saved, line({ ...postgresEvent(0), clusterId: 'cluster-A', instanceId: 'db-B', eventId: 's:1:0' }, 'f:1'), [0])).toBe('s:1:0\n');
    expect(formatted(saved, line(postgresEvent(1), 'f:2'), [0])).toBe('f:2\n');
    // The event keeps das-read's ids; the rules read it through a view that does not show them.
    const view = new EventView().reset(seen[0]?.event ?? { type: 'record' });
    expect([view.value('eventId'), view.value('clusterId'), view.value('instanceId')]).toEqual([undefined, undefined, undefined]);
    expect(view.keywordLowers()).not.toContain('s:1:0');
    expect(view.keywordLowers()).not.toContain('cluster-a');
    expect(view.keywordLowers()).toContain('pgbench');
    expect(seen.map((event) => [event.clusterId, event.instanceId])).toEqual([
      ['cluster-A', 'db-B'],
      [null, null],
    ]);
    const end = new Utf8Builder();
    saved.end?.(end);
    expect(Buffer.concat(end.take()).toString('utf8')).toBe('pending\n');
  });

  it('counts no finding of a record whose findings cannot be written: the record is the policy’s to skip', () => {
    const writer = new FindingWriter(fakeDetector([]), (finding) => {
      if (finding.uid.endsWith(':1')) throw new RangeError('too long');
      return `${finding.uid}\n`;
    });
    expect(() => formatted(writer.live({ redact: false }), record, [0, 1])).toThrow(RangeError);
    expect(writer.tally.total).toBe(0);
  });
});
