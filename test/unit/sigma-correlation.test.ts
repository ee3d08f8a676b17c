import { describe, expect, it } from 'vitest';
import { createDetector, type Detector } from '../../src/detect/detector.js';
import { findingUid, type Finding } from '../../src/detect/finding.js';
import { compileRules } from '../../src/detect/compile-rules.js';
import { MAX_GROUPS } from '../../src/detect/sigma/correlation.js';

const FAILED = [
  'title: Failed login',
  'id: base-failed',
  'name: failed_login',
  'logsource:',
  '  category: database',
  'detection:',
  "  selection: { command: 'AUTH FAILURE' }",
  '  condition: selection',
  '---',
  'title: Grant',
  'id: base-grant',
  'name: grant',
  'logsource:',
  '  category: database',
  'detection:',
  "  selection: { command: 'GRANT' }",
  '  condition: selection',
].join('\n');

function correlation(lines: string[], extra = ''): Detector {
  const text = `${FAILED}\n---\ntitle: The correlation\nid: corr\nlevel: high\n${extra}correlation:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
  return createDetector(compileRules([{ name: 'c.yml', text }]));
}

const BASE = Date.UTC(2026, 11, 1, 10, 0, 0);
const at = (seconds: number) => new Date(BASE + seconds * 1000).toISOString().replace('T', ' ').replace('Z', '+00');

let serial = 0;
function feed(detector: Detector, seconds: number, fields: Record<string, unknown>): Finding[] {
  return detector.observe({ event: { type: 'record', logTime: at(seconds), ...fields }, eventId: `s:${serial++}:0`, clusterId: 'c', instanceId: null });
}
const fail = (user: string, host = '10.0.0.1') => ({ command: 'AUTH FAILURE', dbUserName: user, remoteHost: host });

const burst = ['type: event_count', 'rules: [failed_login]', 'group-by: [dbUserName]', 'timespan: 2m', 'condition: { gte: 8 }'];

describe('event_count', () => {
  it('fires at the 8th failure of one user within 2 minutes, with the 8 as evidence and the user as its group', () => {
    const detector = correlation(burst);
    const found: Finding[] = [];
    for (let n = 0; n < 7; n++) found.push(...feed(detector, n * 10, fail('alice')), ...feed(detector, n * 10 + 1, fail('bob')));
    expect(found).toEqual([]);
    const [finding, ...more] = feed(detector, 75, fail('alice'));
    expect(more).toEqual([]);
    expect(finding).toMatchObject({ rule: { id: 'corr', correlation: true }, eventCount: 8, group: { dbUserName: 'alice' }, first: at(0), last: at(75) });
    expect(finding?.evidence.map((seen) => seen.event.dbUserName)).toEqual(Array(8).fill('alice'));
    expect(finding?.uid).toBe(findingUid('corr', finding?.evidence.map((seen) => seen.eventId) ?? [], 'c'));
  });

  it('its single-event rule makes no findings of its own (generate: false), and does with generate: true', () => {
    expect(feed(correlation(burst), 0, fail('alice'))).toEqual([]);
    expect(feed(correlation([...burst, 'generate: true']), 0, fail('alice')).map((f) => f.rule.id)).toEqual(['base-failed']);
  });

  it('counts only the events within the timespan of the newest', () => {
    const detector = correlation(burst);
    // 20 s apart: 8 of them span 140 s, so the window of 120 s never holds 8.
    const found = Array.from({ length: 12 }, (_, n) => feed(detector, n * 20, fail('alice'))).flat();
    expect(found).toEqual([]);
  });

  it('fires once a burst: after a finding the window starts again', () => {
    const detector = correlation(burst);
    const found = Array.from({ length: 20 }, (_, n) => feed(detector, n, fail('alice'))).flat();
    expect(found.map((finding) => finding.last)).toEqual([at(7), at(15)]);
    expect(new Set(found.map((finding) => finding.uid)).size).toBe(2);
  });

  it('keeps at most 20 events as evidence, counting all', () => {
    const detector = correlation(['type: event_count', 'rules: [failed_login]', 'timespan: 1h', 'condition: { gte: 30 }']);
    const found = Array.from({ length: 30 }, (_, n) => feed(detector, n, fail(`u${n}`))).flat();
    expect(found).toHaveLength(1);
    expect(found[0]?.eventCount).toBe(30);
    expect(found[0]?.evidence).toHaveLength(20);
    expect(found[0]?.evidence[0]?.event.dbUserName).toBe('u0');
    expect(found[0]?.group).toEqual({});
  });

  it('lt: judged when the window is over, by a later event of any group', () => {
    const detector = correlation(['type: event_count', 'rules: [failed_login]', 'group-by: [dbUserName]', 'timespan: 1m', 'condition: { lt: 3 }']);
    const found = [
      ...feed(detector, 0, fail('few')),
      ...feed(detector, 1, fail('many')),
      ...feed(detector, 2, fail('many')),
      ...feed(detector, 3, fail('many')),
      ...feed(detector, 10, fail('few')),
    ];
    expect(found).toEqual([]);
    expect(detector.end()).toEqual([]);
    const closed = feed(detector, 70, { command: 'SELECT 1' });
    expect(closed.map((finding) => [finding.group, finding.eventCount])).toEqual([[{ dbUserName: 'few' }, 2]]);
  });

  it('gt and lte together: a range', () => {
    const detector = correlation(['type: event_count', 'rules: [failed_login]', 'group-by: [dbUserName]', 'timespan: 1m', 'condition: { gt: 1, lte: 2 }']);
    feed(detector, 0, fail('one'));
    feed(detector, 0, fail('two'));
    feed(detector, 1, fail('two'));
    for (let n = 0; n < 3; n++) feed(detector, 2, fail('three'));
    expect(feed(detector, 61, { command: 'SELECT 1' }).map((finding) => finding.group?.dbUserName)).toEqual(['two']);
  });

  it('events without a time of their own are not counted', () => {
    const detector = correlation(burst);
    for (let n = 0; n < 10; n++)
      expect(detector.observe({ event: { type: 'record', ...fail('alice') }, eventId: `t:${n}`, clusterId: null, instanceId: null })).toEqual([]);
    expect(detector.stats.untimedEvents).toBe(10);
  });
});

describe('value_count', () => {
  const spray = ['type: value_count', 'rules: [failed_login]', 'group-by: [remoteHost]', 'timespan: 10m', 'condition: { field: dbUserName, gte: 3 }'];

  it('fires when one source fails as 3 distinct users within 10 minutes', () => {
    const detector = correlation(spray);
    const found = [...feed(detector, 0, fail('a', '10.9.9.9')), ...feed(detector, 60, fail('a', '10.9.9.9')), ...feed(detector, 120, fail('b', '10.9.9.9'))];
    expect(found).toEqual([]);
    const [finding] = feed(detector, 180, fail('c', '10.9.9.9'));
    expect(finding).toMatchObject({ eventCount: 4, group: { remoteHost: '10.9.9.9' } });
  });

  it('an event without the field is no value', () => {
    const detector = correlation(spray);
    const found = [...feed(detector, 0, fail('a', '10.9.9.9')), ...feed(detector, 1, fail('b', '10.9.9.9'))];
    found.push(
      ...feed(detector, 2, { command: 'AUTH FAILURE', remoteHost: '10.9.9.9' }),
      ...feed(detector, 3, { command: 'AUTH FAILURE', remoteHost: '10.9.9.9', dbUserName: null }),
    );
    expect(found).toEqual([]);
    expect(feed(detector, 4, fail('c', '10.9.9.9'))).toHaveLength(1);
  });

  it('not for one user failing many times, nor for users spread over hosts', () => {
    const detector = correlation(spray);
    const found = [
      ...Array.from({ length: 10 }, (_, n) => feed(detector, n, fail('a', '10.1.1.1'))).flat(),
      ...['x', 'y', 'z'].flatMap((user, n) => feed(detector, 20 + n, fail(user, `10.2.2.${n}`))),
    ];
    expect(found).toEqual([]);
  });
});

describe('temporal and temporal_ordered', () => {
  it('temporal: every rule within the timespan in the group, in any order', () => {
    const detector = correlation(['type: temporal', 'rules: [failed_login, grant]', 'group-by: [dbUserName]', 'timespan: 5m']);
    expect(feed(detector, 0, { command: 'GRANT', dbUserName: 'eve' })).toEqual([]);
    expect(feed(detector, 10, fail('mallory'))).toEqual([]);
    expect(feed(detector, 20, fail('eve')).map((finding) => finding.eventCount)).toEqual([2]);
    expect(feed(detector, 400, { command: 'GRANT', dbUserName: 'mallory' })).toEqual([]);
  });

  it('temporal_ordered: only in the order the rules are named', () => {
    const ordered = ['type: temporal_ordered', 'rules: [failed_login, grant]', 'group-by: [dbUserName]', 'timespan: 5m'];
    const detector = correlation(ordered);
    expect(feed(detector, 0, { command: 'GRANT', dbUserName: 'eve' })).toEqual([]);
    expect(feed(detector, 10, fail('eve'))).toEqual([]);
    expect(feed(detector, 20, { command: 'GRANT', dbUserName: 'eve' })).toHaveLength(1);
  });

  it('aliases: a group-by name reads another field for each rule', () => {
    const detector = correlation([
      'type: temporal',
      'rules: [failed_login, grant]',
      'group-by: [who]',
      'timespan: 5m',
      'aliases:',
      '  who:',
      '    failed_login: dbUserName',
      '    grant: objectName',
    ]);
    expect(feed(detector, 0, fail('eve'))).toEqual([]);
    const [finding] = feed(detector, 5, { command: 'GRANT', dbUserName: 'admin', objectName: 'eve' });
    expect(finding?.group).toEqual({ who: 'eve' });
  });
});

describe('correlation state across an export and an import (the Lambda between invocations)', () => {
  it('a burst split over two detectors fires as in one, with the same uid', () => {
    const events = Array.from({ length: 8 }, (_, n) => ({ seconds: n * 5, fields: fail('alice'), id: `x:${n}:0` }));
    const observe = (detector: Detector, slice: typeof events) =>
      slice.flatMap(({ seconds, fields, id }) =>
        detector.observe({ event: { type: 'record', logTime: at(seconds), ...fields }, eventId: id, clusterId: null, instanceId: null }),
      );
    const whole = observe(correlation(burst), events);
    const first = correlation(burst);
    expect(observe(first, events.slice(0, 5))).toEqual([]);
    const state: unknown = JSON.parse(JSON.stringify(first.exportState()));
    const second = correlation(burst);
    second.importState(state);
    const split = observe(second, events.slice(5));
    expect(split).toHaveLength(1);
    expect(split[0]?.uid).toBe(whole[0]?.uid);
    expect(split[0]?.evidence.map((seen) => seen.eventId)).toEqual(events.map((event) => event.id));
  });

  it('a window judged at its close survives the import too', () => {
    const rule = ['type: event_count', 'rules: [failed_login]', 'group-by: [dbUserName]', 'timespan: 1m', 'condition: { lt: 3 }'];
    const first = correlation(rule);
    feed(first, 0, fail('few'));
    const second = correlation(rule);
    second.importState(JSON.parse(JSON.stringify(first.exportState())));
    expect(feed(second, 61, { command: 'SELECT 1' }).map((finding) => finding.group)).toEqual([{ dbUserName: 'few' }]);
  });

  it('the state stays within its bound, keeping the newest groups and counting the rest', () => {
    const text = `${FAILED}\n---\ntitle: c\nid: corr\ncorrelation:\n${burst.map((line) => `  ${line}`).join('\n')}\n`;
    const detector = createDetector(compileRules([{ name: 'c.yml', text }]), { maxStateBytes: 20_000 });
    for (let n = 0; n < 200; n++) feed(detector, n, { ...fail(`user${n}`), commandText: 'x'.repeat(200) });
    const state = JSON.stringify(detector.exportState());
    expect(state.length).toBeLessThanOrEqual(20_000);
    expect(state).toContain('user199');
    expect(state).not.toContain('"user0"');
    expect(detector.stats.groupsLeftOutOfState).toBeGreaterThan(100);
    expect(detector.stats.droppedGroups).toBe(0);
  });

  it('state of another shape is ignored, not trusted', () => {
    const detector = correlation(burst);
    for (const junk of [null, 5, 'x', { version: 1, groups: { corr: [{ key: 1 }, null, { key: 'k', group: { values: [1] } }] } }, { version: 99, groups: {} }])
      expect(() => detector.importState(junk)).not.toThrow();
    expect(Array.from({ length: 8 }, (_, n) => feed(detector, n, fail('alice'))).flat()).toHaveLength(1);
  });

  it('groups are bounded: past the bound the least recently added to is dropped, and counted', () => {
    const detector = correlation(burst);
    for (let n = 0; n <= MAX_GROUPS + 10; n++) feed(detector, 0, fail(`user${n}`));
    expect(detector.stats.droppedGroups).toBe(11);
  });
});
