import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import type { RuleSummary, SeenEvent } from '../../src/detect/finding.js';
import { findingUid } from '../../src/detect/finding.js';
import type { EventRule } from '../../src/detect/rule.js';
import type { DasEvent } from '../../src/decode/types.js';

const summary = (id: string): RuleSummary => ({
  id,
  title: `rule ${id}`,
  level: 'high',
  description: '',
  tags: [],
  engines: [],
  source: 'test.yml',
  correlation: false,
});

const seen = (event: Partial<DasEvent>, eventId = 'shardId-0:1:0'): SeenEvent => ({
  event: { type: 'record', logTime: '2026-12-01 10:00:00.000+00', ...event },
  eventId,
  clusterId: 'cluster-ABC',
  instanceId: null,
});

const dropRule: EventRule = {
  kind: 'event',
  summary: summary('r-drop'),
  name: undefined,
  engine: undefined,
  matches: (view) => view.lowerTexts('commandText').some((text) => text.includes('drop')),
};

describe('the detector, single-event rules', () => {
  it('makes one finding for an event a rule matches, with the event as its evidence', () => {
    const detector = createDetector([dropRule]);
    const event = seen({ commandText: 'DROP TABLE t' });
    const findings = detector.observe(event);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: { id: 'r-drop' }, eventCount: 1, first: '2026-12-01 10:00:00.000+00', last: '2026-12-01 10:00:00.000+00' });
    expect(findings[0]?.evidence).toEqual([event]);
    expect(detector.observe(seen({ commandText: 'SELECT 1' }))).toEqual([]);
  });

  it('gives the same uid for the same rule and event, another for another event', () => {
    const one = createDetector([dropRule]).observe(seen({ commandText: 'drop table t' }, 'a:1:0'))[0];
    const again = createDetector([dropRule]).observe(seen({ commandText: 'drop table t' }, 'a:1:0'))[0];
    const other = createDetector([dropRule]).observe(seen({ commandText: 'drop table t' }, 'a:1:1'))[0];
    expect(one?.uid).toMatch(/^[0-9a-f]{32}$/);
    expect(again?.uid).toBe(one?.uid);
    expect(other?.uid).not.toBe(one?.uid);
    expect(one?.uid).toBe(findingUid('r-drop', ['a:1:0'], 'cluster-ABC'));
  });

  it('keeps apart the findings of two databases whose streams number their records alike', () => {
    const here = createDetector([dropRule]).observe(seen({ commandText: 'drop table t' }, 'a:1:0'))[0];
    const there = createDetector([dropRule]).observe({ ...seen({ commandText: 'drop table t' }, 'a:1:0'), clusterId: 'cluster-XYZ' })[0];
    expect(there?.uid).not.toBe(here?.uid);
  });

  it('applies a rule for one engine only to that engine’s events, and no rule to heartbeats', () => {
    const postgresOnly: EventRule = { ...dropRule, engine: 'postgresql' };
    const detector = createDetector([postgresOnly]);
    expect(detector.observe(seen({ commandText: 'drop table t', serverType: 'MySQL' }))).toEqual([]);
    expect(detector.observe(seen({ commandText: 'drop table t', serverType: 'PostgreSQL' }))).toHaveLength(1);
    expect(createDetector([dropRule]).observe(seen({ type: 'heartbeat', commandText: 'drop' }))).toEqual([]);
  });
});
