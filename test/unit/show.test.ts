import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { contentOf, plainContent, savedLines, type SavedLine } from '../../src/saved/saved-lines.js';
import { run } from '../../src/cli/run.js';
import { ExitCode } from '../../src/errors.js';
import { memoryIO, TextSink } from '../helpers/memory-io.js';
import { showCommand } from '../../src/commands/show/show.js';
import { colourless } from '../../src/terminal/color.js';
import { Diagnostics } from '../../src/terminal/diagnostics.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { scratchDir } from '../helpers/scratch-dir.js';

async function lines(bytes: Buffer | Buffer[], maxBytes = 1024): Promise<SavedLine[]> {
  const all: SavedLine[] = [];
  for await (const line of savedLines(await plainContent(Readable.from(Array.isArray(bytes) ? bytes : [bytes])), maxBytes)) all.push(line);
  return all;
}

describe('saved lines', () => {
  it('splits on newlines across chunks, numbers from 1, keeps a last line without its newline', async () => {
    expect(await lines([Buffer.from('{"a":1}\n{"b"'), Buffer.from(':2}\n{"c":3}')])).toEqual([
      { number: 1, text: '{"a":1}' },
      { number: 2, text: '{"b":2}' },
      { number: 3, text: '{"c":3}' },
    ]);
  });

  it('gunzips what starts as gzip does, and reads the same lines', async () => {
    const plain = Buffer.from('one\ntwo\n');
    expect(await lines(gzipSync(plain))).toEqual(await lines(plain));
  });

  it('a line past the bound is reported, not held; the lines after it are read', async () => {
    const result = await lines([Buffer.from('short\n'), Buffer.alloc(5000, 0x61), Buffer.from('\nafter\n')]);
    expect(result).toEqual([
      { number: 1, text: 'short' },
      { number: 2, problem: 'longer than 1024 bytes' },
      { number: 3, text: 'after' },
    ]);
  });

  it('a gzip bomb is a long line, bounded: it is never inflated into one string', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x61));
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(await lines(bomb, 1024 * 1024)).toEqual([{ number: 1, problem: 'longer than 1048576 bytes' }]);
  });

  it('bytes that are not UTF-8 are a problem of their own line', async () => {
    expect(await lines(Buffer.concat([Buffer.from('ok\n'), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('ok too\n')]))).toEqual([
      { number: 1, text: 'ok' },
      { number: 2, problem: 'not valid UTF-8' },
      { number: 3, text: 'ok too' },
    ]);
  });
});

describe('das-read show', () => {
  const line = (n: number, overrides = {}) =>
    JSON.stringify({ ...postgresEvent(n, overrides), clusterId: 'cluster-A', instanceId: 'db-B', eventId: `s:1:${n}` });

  it('shows saved ndjson as it was written, filtered as a live read is; bad lines are named and the rest shown, exit 3', async () => {
    const input =
      [line(1), 'not json', line(2, { class: 'DDL', command: 'CREATE TABLE' }), '[1,2]', '', JSON.stringify({ type: 'heartbeat', logTime: 'x' }), line(3)].join(
        '\n',
      ) + '\n';
    const io = memoryIO({ input });
    const code = await run(['show'], io);
    expect(code).toBe(ExitCode.unreadableRecord);
    expect(io.stdout.lines()).toEqual([line(1), line(2, { class: 'DDL', command: 'CREATE TABLE' }), line(3)]);
    expect(io.stderr.text).toContain('standard input:2: not JSON');
    expect(io.stderr.text).toContain('standard input:4: not an event');
    const narrow = memoryIO({ input });
    await run(['show', '--fields', 'statementId,eventId', '-q'], narrow);
    expect(narrow.stdout.lines()).toEqual([
      '{"statementId":1,"eventId":"s:1:1"}',
      '{"statementId":2,"eventId":"s:1:2"}',
      '{"statementId":3,"eventId":"s:1:3"}',
    ]);
    const ddl = memoryIO({ input });
    await run(['show', '--class', 'DDL', '-q'], ddl);
    expect(ddl.stdout.lines()).toEqual([line(2, { class: 'DDL', command: 'CREATE TABLE' })]);
    expect(ddl.stderr.text).toBe('');
  });

  it('JSON that is no event (an object without an event field, an array, a string) is named by file and line, not shown as a row of dashes', async () => {
    const dir = await scratchDir('das-read-show-');
    try {
      const file = join(dir, 'mixed.ndjson');
      await writeFile(file, [line(1), '{"a":1}', '[1]', '"x"', '{}', JSON.stringify({ statementId: 2, eventId: 's:1:2' }), line(3)].join('\n') + '\n');
      for (const form of ['pretty', 'ndjson']) {
        const io = memoryIO();
        expect(await run(['show', file, '-o', form], io)).toBe(ExitCode.unreadableRecord);
        // The narrowed line (--fields' output) is an event: it has an event's fields.
        expect(io.stdout.lines()).toHaveLength(3);
        expect(io.stdout.text).not.toMatch(/^[-\s]+$/m);
        expect(io.stderr.text).toContain(`${file}:2: not an event: a JSON object with none of the fields an activity event has`);
        expect(io.stderr.text).toContain(`${file}:3: not an event: a JSON value that is not an object`);
        expect(io.stderr.text).toContain(`${file}:4: not an event: a JSON value that is not an object`);
        expect(io.stderr.text).toContain(`${file}:5: not an event: a JSON object with none of the fields`);
        expect(io.stderr.text).not.toContain(`${file}:6:`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads files in order, gzip or not, pretty and redacted as asked; a missing one is named, exit 1', async () => {
    const dir = await scratchDir('das-read-show-');
    await writeFile(join(dir, 'audit.ndjson.1.gz'), gzipSync(`${line(1, { commandText: "select 'secret'" })}\n`));
    await writeFile(join(dir, 'audit.ndjson'), `${line(2)}\n`);
    const io = memoryIO();
    const code = await run(['show', join(dir, 'audit.ndjson.1.gz'), join(dir, 'missing.ndjson'), join(dir, 'audit.ndjson'), '-o', 'pretty', '--redact'], io);
    expect(code).toBe(ExitCode.runtime);
    const shown = io.stdout.lines();
    expect(shown).toHaveLength(2);
    expect(shown[0]).toContain('select ?');
    expect(shown.join('\n')).not.toContain('secret');
    expect(shown[1]).toMatch(/READ {6}SELECT/);
    expect(io.stderr.text).toContain(`cannot read ${join(dir, 'missing.ndjson')}: no such file or directory (ENOENT)`);
  });

  it('--summary counts every line read, one too long among them, and tallies only the events written', async () => {
    const input = [line(1), 'x'.repeat(3000), line(2, { class: 'DDL', command: 'CREATE TABLE' }), ''].join('\n');
    const stdout = new TextSink();
    const summary = await showCommand(
      [{ name: 'trail', open: () => Readable.from([Buffer.from(input)]) }],
      { output: 'ndjson', includeHeartbeats: false, filter: { classes: ['READ'] }, redact: false, summary: true, maxLineBytes: 2000 },
      { stdout, chalk: colourless(), log: new Diagnostics(new TextSink(), colourless(), false) },
    );
    expect(summary).toMatchObject({ events: 1, lines: 3, unreadable: 1 });
    expect(summary.window).toBeUndefined();
    expect(summary.tally?.events).toBe(1);
    expect(summary.tally?.byClass.top(9)).toEqual([['READ', 1]]);
  });

  it('a bad line and a missing file: the exit code the words name is the one it ends with', async () => {
    const dir = await scratchDir('das-read-show-');
    await writeFile(join(dir, 'bad.ndjson'), `${line(1)}\n{"not json\n`);
    const io = memoryIO();
    const code = await run(['show', join(dir, 'bad.ndjson'), join(dir, 'missing.ndjson')], io);
    expect(code).toBe(ExitCode.runtime);
    expect(io.stderr.text).toContain('1 line could not be read; exit 1 (a file that could not be opened says more)');
    const alone = memoryIO();
    expect(await run(['show', join(dir, 'bad.ndjson')], alone)).toBe(ExitCode.unreadableRecord);
    expect(alone.stderr.text).toMatch(/1 line could not be read; exit 3\n/);
  });

  it('gzip data cut short: the events before the cut are shown, the file is named, exit 3', async () => {
    const dir = await scratchDir('das-read-show-');
    const many = Array.from({ length: 3000 }, (_, n) => line(n, { commandText: `select ${Math.random()}` })).join('\n') + '\n';
    const gz = gzipSync(many);
    await writeFile(join(dir, 'cut.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    const io = memoryIO();
    const code = await run(['show', join(dir, 'cut.gz')], io);
    expect(code).toBe(ExitCode.unreadableRecord);
    expect(io.stdout.lines().length).toBeGreaterThan(100);
    expect(io.stdout.lines().every((text) => JSON.parse(text) !== undefined)).toBe(true);
    expect(io.stderr.text).toMatch(/cut\.gz: .*the rest of it cannot be read/);
  });
});

describe('gzip with bytes after it that are not gzip', () => {
  const many = Array.from({ length: 3000 }, (_, n) =>
    JSON.stringify({ ...postgresEvent(n, { commandText: `select ${n}, '${'x'.repeat(n % 50)}'` }), eventId: `s:1:${n}` }),
  );
  const gz = gzipSync(`${many.join('\n')}\n`);
  const half = gz.subarray(0, Math.floor(gz.length / 2));
  // What the gunzip tool makes of the half before its end: its whole lines must all be shown.
  const wholeInHalf = gunzipSync(half, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString().split('\n').length - 1;
  it.each([
    ['a few bytes of something else', Buffer.concat([gz, Buffer.from('garbage')]), many.length],
    ['a download cut short, then the whole file again', Buffer.concat([half, gz]), wholeInHalf],
  ])('%s: every line zlib inflated before them is shown, then the file is named, exit 3', async (_, bytes, before) => {
    const dir = await scratchDir('das-read-show-gz-');
    await writeFile(join(dir, 'trail.gz'), bytes);
    const io = memoryIO();
    const code = await run(['show', join(dir, 'trail.gz')], io);
    expect(code).toBe(ExitCode.unreadableRecord);
    expect(io.stdout.lines().slice(0, before)).toEqual(many.slice(0, before));
    expect(io.stderr.text).toMatch(/trail\.gz.*the rest of it cannot be read/);
  });

  it('as the gunzip tool does: the same bytes before the refusal, however the input is cut into chunks', async () => {
    const bytes = Buffer.concat([gz, Buffer.from('garbage')]);
    // Small chunks are slow by design here (two gunzips, a write each): 13 bytes is small enough to cut every header and block.
    for (const size of [13, 4096, 70_000]) {
      const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
      const { content } = await contentOf(Readable.from(chunks));
      const made: Buffer[] = [];
      await expect(
        (async () => {
          for await (const chunk of content) made.push(chunk);
        })(),
      ).rejects.toMatchObject({ code: 'Z_DATA_ERROR' });
      expect(Buffer.concat(made).toString()).toBe(`${many.join('\n')}\n`);
    }
  });
});

describe('field values of shapes no engine sends, chosen by whoever writes the trail', () => {
  // An object whose toString is no function: String() of it throws; one whose toString is one would be obeyed.
  const ODD: unknown[] = [{ toString: 1 }, { toString: 'x', valueOf: 2 }, ['a', { b: 1 }], 12.5, true];
  const FIELDS = [
    'command',
    'dbUserName',
    'serverType',
    'objectType',
    'exitCode',
    'class',
    'databaseName',
    'remoteHost',
    'clientApplication',
    'errorMessage',
    'commandText',
    'logTime',
  ];
  it.each([
    ['ndjson', ''],
    ['json', ''],
    ['ocsf', ''],
    ['pretty', ''],
    ['ocsf', '--redact'],
    ['pretty', '--redact'],
    ['json', '--redact'],
  ])('-o %s %s: every line shown, none refused', async (form, extra) => {
    const dir = await scratchDir('das-read-show-odd-');
    const lines = [JSON.stringify(postgresEvent(0))];
    for (const [n, value] of ODD.entries())
      lines.push(JSON.stringify({ ...postgresEvent(n + 1), ...Object.fromEntries(FIELDS.map((field) => [field, value])) }));
    lines.push(JSON.stringify(postgresEvent(99)));
    await writeFile(join(dir, 'odd.ndjson'), `${lines.join('\n')}\n`);
    const io = memoryIO();
    const code = await run(['show', join(dir, 'odd.ndjson'), '-o', form as string, ...(extra ? [extra] : [])], io);
    expect(code, io.stderr.text).toBe(ExitCode.ok);
    expect(io.stderr.text).not.toMatch(/could not be read|unexpected error/);
    if (form !== 'json') expect(io.stdout.lines()).toHaveLength(lines.length);
  });
});
