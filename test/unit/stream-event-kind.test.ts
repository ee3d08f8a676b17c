import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { streamEventKind } from '../../src/aws/stream-events.js';

/** What an RDS identifier may be (a user's choice): a letter, then letters, digits and single hyphens. */
const identifier = fc.stringMatching(/^[a-z](?:-?[a-z0-9]){0,40}$/);

/** RDS event messages about other things, each naming a source the user named. */
const OTHER_MESSAGES = [
  (name: string) => `Finished applying modification to DB cluster ${name}`,
  (name: string) => `Backing up DB instance ${name}`,
  (name: string) => `The DB instance ${name} has been stopped`,
  (name: string) => `Started a cross-AZ failover to DB instance: ${name}`,
  (name: string) => `Creating manual cluster snapshot ${name}`,
];

describe("which RDS events are the activity stream's", () => {
  it('the documented sentences are the start and the stop, with their ids', () => {
    expect(streamEventKind('Database Activity Streams is started on your database cluster')).toEqual({ kind: 'started', eventId: 'RDS-EVENT-0179' });
    expect(streamEventKind('Database Activity Streams is stopped on your DB instance')).toEqual({ kind: 'stopped', eventId: 'RDS-EVENT-0180' });
    expect(streamEventKind('Activity stream could not be started: the KMS key is not accessible')).toEqual({ kind: 'other', eventId: '' });
  });

  it('no identifier a user can choose makes another event the stream’s, or a message a start or a stop', () => {
    fc.assert(
      fc.property(identifier, fc.constantFrom(...OTHER_MESSAGES), (name, message) => {
        expect(streamEventKind(message(name))).toBeUndefined();
      }),
    );
  });

  it('a message that is not the documented sentence from its start is at most "other"', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (prefix) => {
        const kind = streamEventKind(`${prefix}Database Activity Streams is started on your database cluster`)?.kind;
        expect(kind === 'other' || (kind === 'started' && /^Database Activity Streams? (is|has been|was) started/i.test(prefix))).toBe(true);
      }),
    );
  });
});
