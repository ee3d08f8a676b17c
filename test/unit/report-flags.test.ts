import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { filterFlagWords } from '../../src/cmdutil/filter-flags.js';
import { toReportOptions, type ReportFlags } from '../../src/commands/report/report-flags.js';

const now = new Date('2026-12-07T12:00:00Z');
const flags = (extra: Partial<ReportFlags> = {}): ReportFlags => ({ files: [], batchSize: '1000', gapThreshold: '60s', ...extra }) as ReportFlags;

describe('report flags', () => {
  it('a database alone reads its stream to the end, with heartbeats and no filter of the read’s own; FILE… reads saved events', () => {
    const live = toReportOptions(flags({ cluster: 'prod', from: '2h', user: ['app'] }), now);
    expect(live.source.kind).toBe('live');
    if (live.source.kind !== 'live') return;
    expect(live.source.read).toMatchObject({ follow: false, includeHeartbeats: true, filter: {} });
    expect(live.filter.users).toEqual(['app']);
    expect(live.from?.toISOString()).toBe('2026-12-07T10:00:00.000Z');
    const saved = toReportOptions(flags({ files: ['audit.ndjson'], cluster: 'prod', until: '1h' }), now);
    expect(saved.source).toMatchObject({ kind: 'saved', files: ['audit.ndjson'], database: { kind: 'cluster', name: 'prod' } });
    expect(saved.until?.toISOString()).toBe('2026-12-07T11:00:00.000Z');
  });

  it.each([
    [{ files: ['a.ndjson'], streamName: 'aws-rds-das-x' }, /--stream-name goes with reading a stream/],
    [{ files: ['a.ndjson'], incremental: '/srv/das' }, /--incremental goes with reading a stream/],
    [{ cluster: 'prod', incremental: '/srv/das', outputFile: 'x.html' }, /does not go with --output-file/],
    [{ cluster: 'prod', incremental: '/srv/das', output: 'json' }, /-o json goes with a single report/],
    [{ cluster: 'prod', instance: 'ora' }, /give one/],
    [{ files: ['a.ndjson'], from: 'latest' }, /a place in a live stream/],
    [{ files: ['a.ndjson'], gapThreshold: 'soon' }, /--gap-threshold takes a duration/],
    [{ files: ['a.ndjson'], output: 'pdf' }, /--output/],
  ] as Array<[Partial<ReportFlags>, RegExp]>)('refuses %o', (extra, message) => {
    expect(() => toReportOptions(flags(extra), now)).toThrow(UsageError);
    expect(() => toReportOptions(flags(extra), now)).toThrow(message);
  });

  it('writes no page to a terminal: markup (and the events’ own bytes) are for a browser; -O, a pipe or -o json are fine', () => {
    expect(() => toReportOptions(flags({ cluster: 'prod' }), now, true)).toThrow(/HTML page: name the file/);
    expect(toReportOptions(flags({ cluster: 'prod', outputFile: 'r.html' }), now, true).outputFile).toBe('r.html');
    expect(toReportOptions(flags({ cluster: 'prod', output: 'json' }), now, true).output).toBe('json');
    expect(toReportOptions(flags({ cluster: 'prod' }), now, false).output).toBe('html');
  });

  it('a gap threshold is a duration', () => {
    expect(toReportOptions(flags({ files: ['a'], gapThreshold: '5s' }), now).gapThresholdMs).toBe(5_000);
    expect(toReportOptions(flags({ files: ['a'] }), now).gapThresholdMs).toBe(60_000);
  });
});

describe('the filters a report names', () => {
  it('are the flags that asked for them, in the order of the table, every value kept as given', () => {
    const options = toReportOptions(flags({ files: ['a'], user: ['app*', '<b>'], errorsOnly: true, excludeClass: ['READ'] }), now);
    expect(filterFlagWords(options.filter)).toEqual(['--user app*', '--user <b>', '--exclude-class READ', '--errors-only']);
    expect(filterFlagWords(toReportOptions(flags({ files: ['a'] }), now).filter)).toEqual([]);
  });
});
