import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { activityRecord, postgresEvent } from '../../src/lab/synthetic-events.js';
import { memoryIO } from '../helpers/memory-io.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab();
});
afterAll(async () => {
  await lab?.close();
});

describe('das-read --cluster', () => {
  it('prints every event of every shard as ndjson and exits 0', async () => {
    const stream = await lab.activityStream({ name: 'every-shard', shards: 3 });
    const records = Array.from({ length: 30 }, (_, r) =>
      activityRecord(stream.database.resourceId, 'db-INSTANCE1', [postgresEvent(r * 2), postgresEvent(r * 2 + 1)]),
    );
    await stream.put(records);
    const io = memoryIO();
    const code = await run(['--cluster', 'every-shard', '--endpoint-url', lab.endpoint, '--no-follow'], io);
    expect(io.stderr.text).toBe('');
    expect(code).toBe(0);
    const events = io.stdout.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((event) => event.statementId).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(events[0]).toMatchObject({ clusterId: stream.database.resourceId, instanceId: 'db-INSTANCE1' });
  });
});
