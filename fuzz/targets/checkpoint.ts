// The checkpoint reader: a checkpoint file's bytes (another user or a crash may have written them),
// read by parseCheckpoint, as loadCheckpoint reads it once the file is found safe to trust. Its promise: a state whose every field has its type, or a damaged checkpoint
// (a UserError saying so); never another error, never a position made of a wrong value.
import { parseCheckpoint } from '../../src/checkpoint/checkpoint-file.js';
import { UserError } from '../../src/errors.js';
import { invariant, type FuzzTarget } from '../target.js';

const path = 'checkpoint.json';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isTime = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));
/** A value for a finding's message: a nested one may be too deep for JSON.stringify's stack. */
function shown(value: unknown): string {
  try {
    return String(JSON.stringify(value)).slice(0, 200);
  } catch {
    return '(too deeply nested to show)';
  }
}

const target: FuzzTarget = {
  dictionary: [
    '"finished":',
    '"yes"',
    'true',
    'false',
    '"eventIndex":',
    '"sequenceNumber":',
    '"arrivedAt":',
    '"AT_TIMESTAMP"',
    '"TRIM_HORIZON"',
    '"timestamp":"zzz"',
    '"shards":',
    '"stream":',
    '"version":1',
    '[]',
    '{}',
    '"shardId-000000000003":',
  ],
  async run(input) {
    let state;
    try {
      state = parseCheckpoint(input, path);
    } catch (error) {
      if (error instanceof UserError && / is damaged: /.test(error.message))
        return `damaged: ${error.message
          .split(' is damaged: ')[1]
          ?.replace(/"[^"]*"/g, '"…"')
          .replace(/\d+/g, '#')
          .slice(0, 80)}`;
      throw error;
    }
    invariant(state !== undefined, 'a checkpoint file that is there read as none');
    const fields: unknown = state;
    invariant(isRecord(fields), 'the state is not an object');
    invariant(fields.version === 1, 'version is not 1');
    invariant(typeof fields.streamName === 'string' && typeof fields.resourceId === 'string', 'streamName or resourceId is not a string');
    invariant(typeof fields.savedAt === 'string', 'savedAt is not a string', () => `it is ${shown(fields.savedAt)}`);
    const { stream, start, shards } = fields;
    invariant(
      stream === undefined || (isRecord(stream) && typeof stream.arn === 'string' && typeof stream.createdAt === 'string'),
      'the stream identity is not an arn and a createdAt',
    );
    invariant(
      isRecord(start) && (start.type === 'TRIM_HORIZON' || (start.type === 'AT_TIMESTAMP' && isTime(start.timestamp))),
      'the start is not TRIM_HORIZON or AT_TIMESTAMP at a time',
      () => `it is ${shown(start)}`,
    );
    invariant(isRecord(shards), 'shards is not an object', () => `it is ${Array.isArray(shards) ? 'an array' : typeof shards}`);
    for (const [shardId, position] of Object.entries(shards)) {
      invariant(isRecord(position), 'a shard position is not an object', () => `shard ${shardId}'s is ${shown(position)}`);
      const { sequenceNumber, arrivedAt, eventIndex, finished } = position;
      invariant(
        sequenceNumber === undefined || (typeof sequenceNumber === 'string' && /^\d+$/.test(sequenceNumber)),
        'a sequenceNumber is not digits',
        () => `shard ${shardId}'s is ${shown(sequenceNumber)}`,
      );
      invariant(arrivedAt === undefined || isTime(arrivedAt), 'an arrivedAt is not a time', () => `shard ${shardId}'s is ${shown(arrivedAt)}`);
      invariant(
        eventIndex === undefined || (Number.isInteger(eventIndex) && (eventIndex as number) >= 0),
        'an eventIndex is not a count',
        () => `shard ${shardId}'s is ${shown(eventIndex)}`,
      );
      invariant(finished === undefined || typeof finished === 'boolean', 'a finished is not a boolean', () => `shard ${shardId}'s is ${shown(finished)}`);
    }
    return 'loaded';
  },
};
export default target;
