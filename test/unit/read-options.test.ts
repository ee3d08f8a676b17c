import { describe, expect, it } from 'vitest';
import { toReadOptions, type RawReadFlags } from '../../src/cli/read-options.js';
import { UsageError } from '../../src/errors.js';

const options = (flags: RawReadFlags, tty = false) => toReadOptions(flags, tty);
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
  it('--region and --profile', () => expect(options({ cluster: 'c', region: 'eu-west-1', profile: 'audit' }).aws).toEqual({ region: 'eu-west-1', profile: 'audit' }));

  it('nothing named', refused({}, /name the activity stream/));
  it('two sources', refused({ cluster: 'a', streamName: 'b' }, /--cluster and --stream-name name different streams/));
  it('--resource-id without --stream-name', refused({ cluster: 'a', resourceId: 'cluster-X' }, /--resource-id goes with --stream-name/));
  it('an unknown output', refused({ cluster: 'a', output: 'csv' }, /--output must be one of pretty, ndjson/));
  it('an unknown colour choice', refused({ cluster: 'a', color: 'sometimes' }, /--color must be one of auto, always, never/));
  it('an endpoint that is not a URL', refused({ cluster: 'a', endpointUrl: 'localhost:4566' }, /not a URL|must be http/));
  it('refusals are usage errors (exit 2)', () => expect(() => options({})).toThrow(UsageError));
});
