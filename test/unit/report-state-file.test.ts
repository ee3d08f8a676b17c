import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { emptyState, loadReportState, saveReportState, type IncrementalState } from '../../src/report/incremental/report-state-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'das-read-report-state-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const summary = { events: 3, users: 1, failures: 0, findings: 0, unreadable: 0, coveredMs: 10, windowMs: 20 };
const valid: IncrementalState = {
  version: 1,
  generation: 4,
  checkpoint: {
    version: 1,
    streamName: 'aws-rds-das-cluster-ABC',
    resourceId: 'cluster-ABC',
    start: { type: 'TRIM_HORIZON' },
    savedAt: '2026-12-07T10:00:00.000Z',
    shards: { 'shardId-000000000000': { sequenceNumber: '49600000000000000000', arrivedAt: '2026-12-07T09:59:00.000Z' } },
  },
  days: { '2026-12-07': { file: 'days/2026-12-07.4.json', summary, retentionGaps: [{ shardIds: ['shardId-000000000000'], detail: 'trimmed' }] } },
};

async function folder(name: string): Promise<string> {
  const path = join(dir, name);
  await rm(path, { recursive: true, force: true });
  await saveReportState(path, emptyState());
  return path;
}

describe('the --incremental state file', () => {
  it('round-trips what das-read writes, mode 0600, and starts empty in a new folder', async () => {
    const path = await folder('round-trip');
    await saveReportState(path, valid);
    expect(await loadReportState(path, process.getuid?.())).toEqual(valid);
    expect(await loadReportState(join(dir, 'none-yet'), process.getuid?.())).toEqual(emptyState());
  });

  it('refuses a state reached through a link, and one others may write', async () => {
    const path = await folder('linked');
    await rm(join(path, 'state.json'));
    await writeFile(join(dir, 'elsewhere.json'), JSON.stringify(valid), { mode: 0o600 });
    await symlink(join(dir, 'elsewhere.json'), join(path, 'state.json'));
    await expect(loadReportState(path, process.getuid?.())).rejects.toThrow(UserError);
    // In the report's words: it has no --checkpoint to give.
    await expect(loadReportState(path, process.getuid?.())).rejects.toThrow(/refusing the report state .*symbolic link/);
    const open = await folder('group-writable');
    await chmod(join(open, 'state.json'), 0o666);
    await expect(loadReportState(open, process.getuid?.())).rejects.toThrow(/state\.json/);
  });

  it.each([
    ['not JSON', '{"version":1,'],
    ['another version', '{"version":2,"generation":0,"checkpoint":null,"days":{}}'],
    ['a day file outside days/', '{"version":1,"generation":1,"checkpoint":null,"days":{"2026-12-07":{"file":"../../etc/passwd","summary":{}}}}'],
    [
      'a day file of another day',
      `{"version":1,"generation":1,"checkpoint":null,"days":{"2026-12-07":{"file":"days/2026-12-06.1.json","summary":${JSON.stringify(summary)}}}}`,
    ],
    ['a checkpoint of the wrong shape', '{"version":1,"generation":1,"checkpoint":{"version":1},"days":{}}'],
    [
      'a negative count',
      `{"version":1,"generation":1,"checkpoint":null,"days":{"2026-12-07":{"file":"days/2026-12-07.1.json","summary":${JSON.stringify({ ...summary, events: -1 })}}}}`,
    ],
  ])('refuses %s, naming the file', async (_what, text) => {
    const path = await folder('damaged');
    await writeFile(join(path, 'state.json'), text, { mode: 0o600 });
    await expect(loadReportState(path, process.getuid?.())).rejects.toThrow(new RegExp(`${join(path, 'state.json')}.*damaged`));
  });

  it('any content gives a state das-read could have written, or a damage report naming the file (property)', async () => {
    const path = await folder('property');
    const file = join(path, 'state.json');
    const mutated = fc.oneof(
      fc.json(),
      fc.string(),
      fc.record({ version: fc.constant(1), generation: fc.anything(), checkpoint: fc.anything(), days: fc.anything() }),
      fc.dictionary(fc.string(), fc.record({ file: fc.string(), summary: fc.anything() })).map((days) => JSON.stringify({ ...valid, days })),
    );
    await fc.assert(
      fc.asyncProperty(mutated, async (content) => {
        await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 });
        try {
          const state = await loadReportState(path, process.getuid?.());
          // What passes is what das-read writes: it survives its own round trip unchanged.
          await saveReportState(path, state);
          expect(await loadReportState(path, process.getuid?.())).toEqual(state);
          for (const [day, entry] of Object.entries(state.days)) expect(entry.file.startsWith(`days/${day}.`)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          expect((error as Error).message).toContain(file);
        }
      }),
      { numRuns: 300 },
    );
  });
});
