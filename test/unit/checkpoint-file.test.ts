import { chmod, chown, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../../src/errors.js';
import { loadCheckpoint, parseCheckpoint, removeLeftoverTemps, saveCheckpoint, type CheckpointState } from '../../src/checkpoint/checkpoint-file.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const PATH = '/var/lib/das-read/prod.json';
const ME = 0;
const OTHER = 65534;

let dir: string;
beforeAll(async () => {
  dir = await scratchDir('das-read-checkpoint-file-');
});
let folders = 0;
/** A folder of its own, with this mode. */
async function folder(mode = 0o700): Promise<string> {
  const path = join(dir, `f${++folders}`);
  await mkdir(path);
  await chmod(path, mode);
  return path;
}

const valid: CheckpointState = {
  version: 1,
  streamName: 'aws-rds-das-cluster-ABC',
  resourceId: 'cluster-ABC',
  stream: { arn: 'arn:aws:kinesis:us-east-1:123456789012:stream/aws-rds-das-cluster-ABC', createdAt: '2026-11-01T10:00:00.000Z' },
  start: { type: 'AT_TIMESTAMP', timestamp: '2026-11-01T10:00:00.000Z' },
  savedAt: '2026-11-02T10:00:00.000Z',
  shards: {
    'shardId-000000000000': { sequenceNumber: '49650000000000000000000000000000000000000000000000000002', arrivedAt: '2026-11-02T09:59:59.000Z' },
    'shardId-000000000001': { sequenceNumber: '4965', arrivedAt: '2026-11-02T09:59:59.000Z', eventIndex: 3 },
    'shardId-000000000002': { sequenceNumber: '4966', finished: true },
  },
};

/**
 * What a state must be to be passed on, checked independently of the reader: every field of its
 * type and form, nothing else.
 */
function wellFormed(state: CheckpointState): void {
  const time = (value: unknown) => {
    expect(typeof value).toBe('string');
    expect(Number.isFinite(Date.parse(value as string))).toBe(true);
  };
  expect(Object.keys(state).every((key) => ['version', 'streamName', 'resourceId', 'stream', 'start', 'savedAt', 'shards'].includes(key))).toBe(true);
  expect(state.version).toBe(1);
  expect(typeof state.streamName).toBe('string');
  expect(typeof state.resourceId).toBe('string');
  if (state.stream !== undefined) {
    expect(typeof state.stream.arn).toBe('string');
    time(state.stream.createdAt);
  }
  expect(['TRIM_HORIZON', 'AT_TIMESTAMP']).toContain(state.start.type);
  if (state.start.type === 'AT_TIMESTAMP') time(state.start.timestamp);
  time(state.savedAt);
  for (const [id, position] of Object.entries(state.shards)) {
    expect(id).toMatch(/^[a-zA-Z0-9_.-]{1,128}$/);
    expect(Object.keys(position).every((key) => ['sequenceNumber', 'arrivedAt', 'eventIndex', 'finished'].includes(key))).toBe(true);
    if (position.sequenceNumber !== undefined) expect(position.sequenceNumber).toMatch(/^(0|[1-9]\d{0,128})$/);
    if (position.arrivedAt !== undefined) time(position.arrivedAt);
    if (position.eventIndex !== undefined)
      expect(Number.isSafeInteger(position.eventIndex) && position.eventIndex >= 0 && position.sequenceNumber !== undefined).toBe(true);
    if (position.finished !== undefined) expect(typeof position.finished).toBe('boolean');
  }
}

/** The one invariant: a fully valid state, or a UserError that names the file. Never a crash. */
function loadsOrIsRefused(content: string | Uint8Array): 'loaded' | 'refused' {
  let state: CheckpointState;
  try {
    state = parseCheckpoint(content, PATH);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain(`the checkpoint ${PATH} is damaged: `);
    return 'refused';
  }
  wellFormed(state);
  return 'loaded';
}

/** A value of any JSON type, or none, to put where a field was. */
const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue(),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('yes', 'zzz', '-1', '01', '1e3', '2026-13-45T99:99:99Z', 'NaN', '__proto__'),
);
const fieldPaths: string[][] = [
  ['version'],
  ['streamName'],
  ['resourceId'],
  ['stream'],
  ['stream', 'arn'],
  ['stream', 'createdAt'],
  ['start'],
  ['start', 'type'],
  ['start', 'timestamp'],
  ['savedAt'],
  ['shards'],
  ...Object.keys(valid.shards).flatMap((id) => [
    [`shards`, id],
    ...['sequenceNumber', 'arrivedAt', 'eventIndex', 'finished', 'extra'].map((field) => ['shards', id, field]),
  ]),
  ['shards', '__proto__'],
  ['extra'],
];
function withField(path: string[], value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
  let at: Record<string, unknown> = copy;
  for (const step of path.slice(0, -1)) {
    const next = at[step];
    if (typeof next !== 'object' || next === null) return copy;
    at = next as Record<string, unknown>;
  }
  const last = path[path.length - 1] ?? '';
  if (value === undefined) delete at[last];
  else Object.defineProperty(at, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

describe('the checkpoint reader (parseCheckpoint)', () => {
  it('reads back every valid checkpoint as it was written', () => {
    expect(parseCheckpoint(JSON.stringify(valid, null, 2), PATH)).toEqual(valid);
    expect(parseCheckpoint(Buffer.from(JSON.stringify(valid)), PATH)).toEqual(valid);
  });

  it('a field of the wrong type is a damaged checkpoint, not a position', () => {
    const refusals: Array<[string[], unknown, RegExp]> = [
      [['shards', 'shardId-000000000000', 'finished'], 'yes', /shard shardId-000000000000 has a "finished" that is neither true nor false/],
      [['shards', 'shardId-000000000000', 'arrivedAt'], 5, /bad arrival time/],
      [['shards', 'shardId-000000000000', 'arrivedAt'], 'yesterday', /bad arrival time/],
      [['start'], { type: 'AT_TIMESTAMP', timestamp: 'zzz' }, /start position is missing or damaged/],
      [['shards', 'shardId-000000000001', 'eventIndex'], -1, /bad event index/],
      [['shards', 'shardId-000000000001', 'eventIndex'], '3', /bad event index/],
      [['shards', 'shardId-000000000000', 'sequenceNumber'], 4965, /bad sequence number/],
      [['shards', 'shardId-000000000000', 'sequenceNumber'], '0123', /bad sequence number/],
      [['savedAt'], 0, /savedAt is not a time/],
      [['shards', '../etc'], {}, /shard id that is not one/],
      [['shards', 'shardId-000000000000', 'finshed'], true, /a field das-read does not write, "finshed"/],
    ];
    for (const [path, value, why] of refusals) {
      expect(() => parseCheckpoint(JSON.stringify(withField(path, value)), PATH), `${path.join('.')} = ${JSON.stringify(value)}`).toThrow(why);
    }
    expect(() => parseCheckpoint(Buffer.from([0x7b, 0xff, 0x7d]), PATH)).toThrow(`the checkpoint ${PATH} is damaged: it is not UTF-8 text`);
  });

  it('a shard id such as __proto__ is data, never a prototype', () => {
    const state = parseCheckpoint(
      JSON.stringify(withField(['shards', '__proto__'], { sequenceNumber: '7' })).replace('"shards":{', '"shards":{"__proto__":{"sequenceNumber":"7"},'),
      PATH,
    );
    expect(Object.getPrototypeOf(state.shards)).toBe(Object.prototype);
    expect(Object.keys(state.shards)).toContain('__proto__');
  });

  it('property: any JSON value loads as a fully valid state or is refused naming the path', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => void loadsOrIsRefused(JSON.stringify(value) ?? 'null')),
      { numRuns: 500 },
    );
  });

  it('property: a valid checkpoint with any one field set to any value or removed loads whole or is refused', () => {
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(fc.constantFrom(...fieldPaths), anyValue, (path, value) => {
        outcomes.add(loadsOrIsRefused(JSON.stringify(withField(path, value))));
      }),
      { numRuns: 1_000 },
    );
    expect([...outcomes].sort()).toEqual(['loaded', 'refused']);
  });

  it('property: any bytes, and a valid checkpoint cut, spliced or bit-flipped, load whole or are refused', () => {
    const text = Buffer.from(JSON.stringify(valid));
    const damagedBytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.nat(text.length).map((end) => text.subarray(0, end)),
      fc.tuple(fc.nat(text.length - 1), fc.nat(7)).map(([at, bit]) => {
        const copy = Buffer.from(text);
        copy[at] = (copy[at] ?? 0) ^ (1 << bit);
        return copy;
      }),
      fc
        .tuple(fc.nat(text.length), fc.nat(text.length), fc.nat(text.length))
        .map(([from, to, at]) => Buffer.concat([text.subarray(0, at), text.subarray(Math.min(from, to), Math.max(from, to)), text.subarray(at)])),
    );
    fc.assert(
      fc.property(damagedBytes, (bytes) => void loadsOrIsRefused(bytes)),
      { numRuns: 2_000 },
    );
  });

  it('property: a deeply nested value is refused, not a crash', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 100_000 }), (depth) => {
        expect(loadsOrIsRefused('['.repeat(depth) + ']'.repeat(depth))).toBe('refused');
        expect(loadsOrIsRefused(JSON.stringify(valid).replace('"finished":true', `"finished":${'['.repeat(depth)}${']'.repeat(depth)}`))).toBe('refused');
      }),
      { numRuns: 10 },
    );
  });
});

describe('where the checkpoint is kept', () => {
  const refusal = async (path: string, uid = ME) => {
    const error = await loadCheckpoint(path, uid).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(ExitCode.usage);
    return error as UserError;
  };

  it('refuses a folder others can write without the sticky bit, naming it and the fix', async () => {
    const open = await folder(0o777);
    const file = join(open, 'prod.json');
    await saveCheckpoint(file, valid).catch(() => {});
    const error = await refusal(file);
    expect(error.message).toContain(`the checkpoint ${file}: its folder ${open} can be written by its group and every user (mode 0777)`);
    expect(error.hint).toContain(`chmod go-w ${open}`);
    await chmod(open, 0o775);
    await refusal(file);
  });

  it('allows a sticky folder (as /tmp) while the file is ours and written by nobody else', async () => {
    const sticky = await folder(0o1777);
    const file = join(sticky, 'prod.json');
    await saveCheckpoint(file, valid);
    expect(await loadCheckpoint(file, ME)).toEqual(valid);
    await chmod(file, 0o620);
    expect((await refusal(file)).message).toContain(`the checkpoint ${file}: it can be written by its group (mode 0620)`);
    await chmod(file, 0o600);
    await chown(file, OTHER, OTHER);
    const error = await refusal(file);
    expect(error.message).toContain(`the checkpoint ${file}: it belongs to another user (uid ${OTHER})`);
    expect(error.hint).toContain(`chown ${ME} ${file}`);
  });

  it('refuses a file others can write, or one owned by someone else, in a folder of our own', async () => {
    const own = await folder();
    const file = join(own, 'prod.json');
    await saveCheckpoint(file, valid);
    await chmod(file, 0o606);
    await refusal(file);
    await chmod(file, 0o600);
    await chown(file, OTHER, OTHER);
    await refusal(file);
  });

  it('refuses a folder owned by another user, and a checkpoint that is a link', async () => {
    const theirs = await folder();
    await chown(theirs, OTHER, OTHER);
    await expect(loadCheckpoint(join(theirs, 'prod.json'), ME)).rejects.toThrow(`belongs to another user (uid ${OTHER})`);
    const own = await folder();
    await writeFile(join(own, 'elsewhere.json'), JSON.stringify(valid), { mode: 0o600 });
    await symlink(join(own, 'elsewhere.json'), join(own, 'prod.json'));
    expect((await refusal(join(own, 'prod.json'))).message).toContain('is a symbolic link');
  });

  it('saving never writes through a link planted in the folder, and leaves no temporary file', async () => {
    const sticky = await folder(0o1777);
    const victim = join(await folder(), 'victim');
    await writeFile(victim, 'precious\n');
    const file = join(sticky, 'prod.json');
    // Where das-read used to write its temporary file, and a few more names a neighbour might try.
    for (const name of ['.prod.json.tmp', '.prod.json.', 'prod.json.tmp']) await symlink(victim, join(sticky, name));
    await saveCheckpoint(file, valid);
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
    expect(parseCheckpoint(await readFile(file), file)).toEqual(valid);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readdir(sticky)).sort()).toEqual(['.prod.json.', '.prod.json.tmp', 'prod.json', 'prod.json.tmp']);
  });

  it("a killed run's temporary files are removed; nothing else is", async () => {
    const own = await folder();
    const file = join(own, 'prod.json');
    await writeFile(join(own, '.prod.json.0123456789abcdef.tmp'), '{"half":');
    await writeFile(join(own, '.other.json.0123456789abcdef.tmp'), 'theirs');
    await writeFile(join(own, 'notes.tmp'), 'mine');
    await removeLeftoverTemps(file);
    expect((await readdir(own)).sort()).toEqual(['.other.json.0123456789abcdef.tmp', 'notes.tmp']);
  });
});
