import { describe, expect, it } from 'vitest';
import { defaultThreads } from '../../src/cmdutil/record-flags.js';
import { toReadOptions, type RawReadFlags } from '../../src/commands/read/read-flags.js';
import { UsageError } from '../../src/errors.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const options = (flags: RawReadFlags, tty = false) => toReadOptions(flags, tty, NOW);
const refused = (flags: RawReadFlags, message: RegExp) => () => expect(() => options(flags)).toThrow(message);

describe('flags → read options', () => {
  it('--cluster names a cluster', () => expect(options({ cluster: 'prod' }).source).toEqual({ kind: 'cluster', identifier: 'prod' }));
  it('--instance names an instance', () => expect(options({ instance: 'ora1' }).source).toEqual({ kind: 'instance', identifier: 'ora1' }));
  it('--stream-name with --resource-id', () =>
    expect(options({ streamName: 'mine', resourceId: 'cluster-X' }).source).toEqual({ kind: 'stream', streamName: 'mine', resourceId: 'cluster-X' }));
  it('pretty on a terminal', () => expect(options({ cluster: 'c' }, true).output).toBe('pretty'));
  it('ndjson into a pipe', () => expect(options({ cluster: 'c' }, false).output).toBe('ndjson'));
  it('-o overrides the guess', () => expect(options({ cluster: 'c', output: 'ndjson' }, true).output).toBe('ndjson'));
  it('follows by default', () => expect(options({ cluster: 'c' }).follow).toBe(true));
  it('--no-follow', () => expect(options({ cluster: 'c', follow: false }).follow).toBe(false));
  it('heartbeats hidden by default', () => expect(options({ cluster: 'c' }).includeHeartbeats).toBe(false));
  it('--endpoint-url is passed to the clients', () =>
    expect(options({ cluster: 'c', endpointUrl: 'http://127.0.0.1:4566' }).aws).toEqual({ endpointUrl: 'http://127.0.0.1:4566' }));
  it('--region and --profile', () =>
    expect(options({ cluster: 'c', region: 'eu-west-1', profile: 'audit' }).aws).toEqual({ region: 'eu-west-1', profile: 'audit' }));

  it('--max-record-bytes is 64 MiB by default', () => expect(options({ cluster: 'c' }).maxRecordBytes).toBe(64 * 1024 * 1024));
  it('--max-record-bytes takes k, m and g', () => {
    expect(options({ cluster: 'c', maxRecordBytes: '512k' }).maxRecordBytes).toBe(512 * 1024);
    expect(options({ cluster: 'c', maxRecordBytes: '128M' }).maxRecordBytes).toBe(128 * 1024 * 1024);
    expect(options({ cluster: 'c', maxRecordBytes: '2097152' }).maxRecordBytes).toBe(2097152);
  });
  it('--max-record-bytes below 1k', refused({ cluster: 'a', maxRecordBytes: '100' }, /--max-record-bytes takes a size from 1k to 4g/));
  it('--max-record-bytes that is not a size', refused({ cluster: 'a', maxRecordBytes: 'lots' }, /--max-record-bytes takes a size/));
  it('nothing named', refused({}, /name the activity stream/));
  it('two sources', refused({ cluster: 'a', streamName: 'b' }, /--cluster and --stream-name name different streams/));
  it('--resource-id without --stream-name', refused({ cluster: 'a', resourceId: 'cluster-X' }, /--resource-id goes with --stream-name/));
  it('an unknown output', refused({ cluster: 'a', output: 'csv' }, /--output must be one of pretty, ndjson/));
  it('an unknown colour choice', refused({ cluster: 'a', color: 'sometimes' }, /--color must be one of auto, always, never/));
  it('an endpoint that is not a URL', refused({ cluster: 'a', endpointUrl: 'localhost:4566' }, /not a URL|must be http/));
  it('refusals are usage errors (exit 2)', () => expect(() => options({})).toThrow(UsageError));

  it('starts at the trim horizon by default', () => expect(options({ cluster: 'c' }).from).toEqual({ type: 'TRIM_HORIZON' }));
  it('--from latest', () => expect(options({ cluster: 'c', from: 'latest' }).from).toEqual({ type: 'LATEST' }));
  it('--from trim-horizon', () => expect(options({ cluster: 'c', from: 'trim-horizon' }).from).toEqual({ type: 'TRIM_HORIZON' }));
  it.each([
    ['90s', '2026-11-25T11:58:30.000Z'],
    ['15m', '2026-11-25T11:45:00.000Z'],
    ['2h', '2026-11-25T10:00:00.000Z'],
    ['1d', '2026-11-24T12:00:00.000Z'],
    ['2026-11-25T08:30:00Z', '2026-11-25T08:30:00.000Z'],
    ['2026-11-25T08:30:00+02:00', '2026-11-25T06:30:00.000Z'],
    ['2026-11-25 08:30:00', '2026-11-25T08:30:00.000Z'],
    ['2026-11-25T08:30', '2026-11-25T08:30:00.000Z'],
    ['2026-11-25', '2026-11-25T00:00:00.000Z'],
  ])('--from %s is AT_TIMESTAMP %s (UTC unless zoned)', (text, iso) =>
    expect(options({ cluster: 'c', from: text }).from).toEqual({ type: 'AT_TIMESTAMP', timestamp: new Date(iso) }),
  );
  it('--until a duration ago', () => expect(options({ cluster: 'c', until: '1h' }).until).toEqual(new Date('2026-11-25T11:00:00Z')));
  it('--max-events', () => expect(options({ cluster: 'c', maxEvents: '100' }).maxEvents).toBe(100));
  it('--batch-size defaults to 1000', () => expect(options({ cluster: 'c' }).batchSize).toBe(1000));
  it('decrypts on a thread per core by default, up to 8', () => {
    expect(options({ cluster: 'c' }).threads).toBe(defaultThreads());
    expect([defaultThreads(1), defaultThreads(2), defaultThreads(64)]).toEqual([1, 2, 8]);
  });
  it('--threads 0 decrypts on the main thread', () => expect(options({ cluster: 'c', threads: '0' }).threads).toBe(0));
  it('--threads 2', () => expect(options({ cluster: 'c', threads: '2' }).threads).toBe(2));
  it('--threads 100', refused({ cluster: 'c', threads: '100' }, /--threads takes a whole number from 1 to 64/));
  it('--checkpoint', () => expect(options({ cluster: 'c', checkpoint: '/var/lib/das/prod.json' }).checkpoint).toBe('/var/lib/das/prod.json'));
  it('--on-error fail by default', () => expect(options({ cluster: 'c' }).onError).toBe('fail'));
  it('--on-error skip with --dead-letter', () =>
    expect(options({ cluster: 'c', onError: 'skip', deadLetter: 'dead.ndjson' })).toMatchObject({ onError: 'skip', deadLetter: 'dead.ndjson' }));

  it('--from in the future', refused({ cluster: 'c', from: '2027-01-01T00:00:00Z' }, /in the future/));
  it('--from that is no position', refused({ cluster: 'c', from: 'yesterday' }, /is not a position/));
  it('--from with a bad duration unit', refused({ cluster: 'c', from: '5y' }, /is not a position/));
  it('--from an impossible date', refused({ cluster: 'c', from: '2026-13-45' }, /is not a position/));
  it('--until before --from', refused({ cluster: 'c', from: '1h', until: '2h' }, /is not after --from/));
  it('--until that is no time', refused({ cluster: 'c', until: 'soon' }, /is not a time/));
  it('--max-events 0', refused({ cluster: 'c', maxEvents: '0' }, /--max-events takes a whole number/));
  it('--max-events 1.5', refused({ cluster: 'c', maxEvents: '1.5' }, /--max-events takes a whole number/));
  it('--batch-size over 10000', refused({ cluster: 'c', batchSize: '20000' }, /--batch-size takes a whole number from 1 to 10000/));
  it('--on-error that is no policy', refused({ cluster: 'c', onError: 'ignore' }, /--on-error must be one of fail, skip/));
  it('--dead-letter without skip', refused({ cluster: 'c', deadLetter: 'dead.ndjson' }, /--dead-letter goes with --on-error skip/));
});

describe('filter flags → the filter', () => {
  it('each repeatable flag fills its list, in order; the switches are set only when given', () => {
    const { filter } = options({ cluster: 'c', user: ['a', 'b'], excludeClass: ['MISC'], grep: ['x'], errorsOnly: true });
    expect(filter).toEqual({ users: ['a', 'b'], excludeClasses: ['MISC'], grep: ['x'], errorsOnly: true });
    expect(options({ cluster: 'c' }).filter).toEqual({});
  });
  it('--grep that is no regular expression', refused({ cluster: 'c', grep: ['(x'] }, /--grep "\(x" is not a regular expression/));
  it('--errors-only with --exclude-errors', refused({ cluster: 'c', errorsOnly: true, excludeErrors: true }, /leave nothing to show/));
  it('--quiet with --verbose', refused({ cluster: 'c', quiet: true, verbose: true }, /--quiet and --verbose/));
  it('--redact is off unless asked', () => {
    expect(options({ cluster: 'c' }).redact).toBe(false);
    expect(options({ cluster: 'c', redact: true }).redact).toBe(true);
  });
});

describe('--fields', () => {
  it('a comma-separated list, spaces allowed', () =>
    expect(options({ cluster: 'c', fields: 'logTime, dbUserName,commandText' }).fields).toEqual(['logTime', 'dbUserName', 'commandText']));
  it('none by default', () => expect(options({ cluster: 'c' })).not.toHaveProperty('fields'));
  it('an empty list', refused({ cluster: 'c', fields: ' , ' }, /--fields names no field/));
});
