import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { ExitCode } from '../../src/errors.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { memoryIO } from '../helpers/memory-io.js';

// The invariant for `detect` over saved lines: every line that holds an event is evaluated by the
// rules (a rule that matches every event makes a finding naming it), every line that does not is
// reported with its place and makes none, and the exit code says which (3 when any line could not
// be read, whatever --fail-on says; else 5 with --fail-on when a finding was made; else 0).

const EVERY = fileURLToPath(new URL('../fixtures/detect/every-event.yml', import.meta.url));

type Unit = { kind: 'event'; n: number } | { kind: 'garbage'; text: string } | { kind: 'cut'; n: number; at: number } | { kind: 'scalar' } | { kind: 'blank' };

const eventLine = (n: number) =>
  JSON.stringify({ ...postgresEvent(n, { commandText: `select ${n} /* \u001b[2J */` }), clusterId: 'cluster-A', instanceId: 'db-B', eventId: `s:1:${n}` });

const unit: fc.Arbitrary<Unit> = fc.oneof(
  { weight: 6, arbitrary: fc.nat(10_000).map((n): Unit => ({ kind: 'event', n })) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map((text): Unit => ({ kind: 'garbage', text: `x${text.replace(/[\r\n]/g, ' ')}` })) },
  { weight: 1, arbitrary: fc.record({ n: fc.nat(10_000), at: fc.nat() }).map(({ n, at }): Unit => ({ kind: 'cut', n, at })) },
  { weight: 1, arbitrary: fc.constant<Unit>({ kind: 'scalar' }) },
  { weight: 1, arbitrary: fc.constant<Unit>({ kind: 'blank' }) },
);

function lineOf(unit: Unit): string {
  switch (unit.kind) {
    case 'event':
      return eventLine(unit.n);
    case 'garbage':
      return unit.text;
    case 'cut': {
      const whole = eventLine(unit.n);
      return whole.slice(0, 1 + (unit.at % (whole.length - 2)));
    }
    case 'scalar':
      return '42';
    case 'blank':
      return '   ';
  }
}

describe('detect over saved lines: each evaluated, or reported with its place', () => {
  it('holds for any mix of events and damaged lines, plain or gzip, with and without --fail-on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(unit, { minLength: 1, maxLength: 25 }), fc.boolean(), fc.boolean(), async (units, gzip, failOn) => {
        const lines = units.map(lineOf);
        const text = `${lines.join('\n')}\n`;
        const io = memoryIO();
        io.stdin = Readable.from([gzip ? gzipSync(text) : Buffer.from(text)]);
        const args = ['detect', '--no-builtin-rules', '--rules', EVERY, '-o', 'ocsf', ...(failOn ? ['--fail-on', 'informational'] : [])];
        const code = await run(args, io);
        const evaluated = io.stdout
          .lines()
          .map((line) => (JSON.parse(line) as { finding_info: { related_events: Array<{ uid: string }> } }).finding_info.related_events[0]?.uid);
        const expected: string[] = [];
        let damaged = 0;
        units.forEach((unit, index) => {
          if (unit.kind === 'event') expected.push(`s:1:${unit.n}`);
          else if (unit.kind !== 'blank') {
            damaged++;
            expect(io.stderr.text).toContain(`standard input:${index + 1}:`);
          }
        });
        expect(evaluated).toEqual(expected);
        const wanted = damaged > 0 ? ExitCode.unreadableRecord : failOn && expected.length > 0 ? ExitCode.findings : ExitCode.ok;
        expect(code, io.stderr.text).toBe(wanted);
      }),
      { numRuns: 60 },
    );
  });
});
