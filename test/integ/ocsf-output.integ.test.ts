import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticPgbench } from '../../lab/src/pgbench-synthetic.js';
import { activityRecord, heartbeatEvent } from '../../lab/src/synthetic-events.js';
import type { DasEvent } from '../../src/decode/types.js';
import { lambdaRuntime } from '../../src/lambda/runtime.js';
import { ExitCode } from '../../src/errors.js';
import { kinesisEventOf } from '../helpers/lambda-events.js';
import { TextSink } from '../helpers/memory-io.js';
import { ocsfProblems } from '../helpers/ocsf-validator.js';
import { readOnce } from '../helpers/read-once.js';
import { startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
let stream: TestStream;
let dir: string;
let pgbench: DasEvent[];
beforeAll(async () => {
  lab = await startTestLab();
  dir = await scratchDir('das-read-ocsf-');
  stream = await lab.activityStream({ name: 'ocsf-cluster' });
  let n = 7;
  const random = () => (n = (n * 9301 + 49297) % 233280) / 233280;
  const load = new SyntheticPgbench(
    { serverHost: '10.0.1.5', serverVersion: '15.4', databaseName: 'postgres', dbUserName: 'pgbench' },
    { clients: 3, transactionsPerSecond: 40, random, startMicros: Date.UTC(2026, 0, 1) * 1000, runSeconds: 3 },
  );
  pgbench = [...load.eventsUntil(Date.UTC(2026, 0, 1) * 1000 + 5_000_000), ...load.finish()];
  const records = [];
  for (let at = 0; at < pgbench.length; at += 20) records.push(activityRecord(stream.database.resourceId, 'db-OCSF', pgbench.slice(at, at + 20)));
  records.push(activityRecord(stream.database.resourceId, 'db-OCSF', [heartbeatEvent('2026-01-01 00:00:09.000+00')]));
  await stream.put(records);
}, 60_000);
afterAll(async () => {
  await lab?.close();
});

const parsed = (lines: string[]) =>
  lines.map((line) => JSON.parse(line) as Record<string, unknown> & { metadata: { uid: string }; cloud: Record<string, unknown> });

describe('-o ocsf against the lab', () => {
  it("turns the lab's pgbench stream into valid OCSF 1.1.0, one event per DAS event, heartbeats left out, ids the ndjson's", async () => {
    const ocsf = await readOnce(lab.endpoint, ['--cluster', 'ocsf-cluster', '-o', 'ocsf']);
    expect(ocsf.code, ocsf.stderr).toBe(0);
    expect(pgbench.length).toBeGreaterThan(150);
    expect(ocsf.stdout).toHaveLength(pgbench.length);
    const events = parsed(ocsf.stdout);
    expect(events.flatMap((event, index) => ocsfProblems('datastore_activity', event).map((problem) => `${index}: ${problem}`))).toEqual([]);
    const ndjson = await readOnce(lab.endpoint, ['--cluster', 'ocsf-cluster', '-o', 'ndjson']);
    expect(events.map((event) => event.metadata.uid)).toEqual(ndjson.stdout.map((line) => (JSON.parse(line) as { eventId: string }).eventId));
    // The cluster's ARN gives the region and account.
    expect(events[0]?.cloud).toEqual({ provider: 'AWS', region: 'us-east-1', account: { uid: '000000000000', type_id: 10, type: 'AWS Account' } });
  });

  it('filters, --redact and --checkpoint work with it unchanged', async () => {
    const filtered = await readOnce(lab.endpoint, ['--cluster', 'ocsf-cluster', '-o', 'ocsf', '--command', 'UPDATE', '--redact']);
    const events = parsed(filtered.stdout);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.activity_name === 'Update')).toBe(true);
    // The bind values, which OCSF keeps under unmapped, are taken out as they are from the ndjson.
    expect(events.every((event) => ((event.unmapped as { paramList: string[] }).paramList ?? []).every((value) => value === '?'))).toBe(true);
    expect(events.some((event) => ((event.unmapped as { paramList: string[] }).paramList ?? []).length > 0)).toBe(true);
    const checkpoint = join(dir, 'ocsf.json');
    const first = await readOnce(lab.endpoint, ['--cluster', 'ocsf-cluster', '-o', 'ocsf', '--checkpoint', checkpoint, '--max-events', '10']);
    const rest = await readOnce(lab.endpoint, ['--cluster', 'ocsf-cluster', '-o', 'ocsf', '--checkpoint', checkpoint]);
    expect([...first.stdout, ...rest.stdout]).toHaveLength(pgbench.length);
    expect(new Set(parsed([...first.stdout, ...rest.stdout]).map((event) => event.metadata.uid)).size).toBe(pgbench.length);
  });

  it('refuses what OCSF cannot say', async () => {
    for (const flag of [['--fields', 'dbUserName'], ['--include-heartbeats']]) {
      const refused = await readOnce(lab.endpoint, ['--cluster', 'ocsf-cluster', '-o', 'ocsf', ...flag]);
      expect(refused.code).toBe(ExitCode.usage);
      expect(refused.stderr).toContain('does not go with -o ocsf');
    }
  });

  it('the Lambda with OUTPUT=ocsf writes the same events, its cloud from the stream ARN', async () => {
    const event = await kinesisEventOf(lab, stream.streamName);
    const stdout = new TextSink();
    const handler = lambdaRuntime({ env: { OUTPUT: 'ocsf', SKIP_SERVICE_USERS: 'true' }, stdout, stderr: new TextSink(), kms: lab.clients.kms });
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    const events = parsed(stdout.lines());
    expect(events.length).toBe(pgbench.filter((e) => e.dbUserName !== 'rdsadmin').length);
    expect(events.flatMap((item) => ocsfProblems('datastore_activity', item))).toEqual([]);
    expect(events[0]?.cloud).toEqual({ provider: 'AWS', region: 'us-east-1', account: { uid: '000000000000', type_id: 10, type: 'AWS Account' } });
    const cli = await readOnce(lab.endpoint, ['--cluster', 'ocsf-cluster', '-o', 'ocsf', '--skip-service-users']);
    const withoutFeature = (items: ReturnType<typeof parsed>) => items.map((item) => ({ ...item, metadata: { ...item.metadata, product: undefined } }));
    expect(withoutFeature(events)).toEqual(withoutFeature(parsed(cli.stdout)));
  });

  it('show -o ocsf gives the same events from saved ndjson, and is valid OCSF', async () => {
    const ndjson = await readOnce(lab.endpoint, ['--cluster', 'ocsf-cluster', '-o', 'ndjson']);
    const { run } = await import('../../src/cli/run.js');
    const { memoryIO } = await import('../helpers/memory-io.js');
    const io = memoryIO({ input: ndjson.stdout.join('\n') + '\n' });
    expect(await run(['show', '-o', 'ocsf'], io)).toBe(0);
    const shown = parsed(io.stdout.lines());
    expect(shown.flatMap((item) => ocsfProblems('datastore_activity', item))).toEqual([]);
    const live = parsed((await readOnce(lab.endpoint, ['--cluster', 'ocsf-cluster', '-o', 'ocsf'])).stdout);
    // The saved line does not say where the stream was: the rest is the same.
    expect(shown.map((item) => ({ ...item, cloud: undefined, metadata: { ...item.metadata, product: undefined } }))).toEqual(
      live.map((item) => ({ ...item, cloud: undefined, metadata: { ...item.metadata, product: undefined } })),
    );
  });
});
