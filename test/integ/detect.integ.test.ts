import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import type { DasEvent } from '../../src/decode/types.js';
import { ExitCode } from '../../src/errors.js';
import { createAwsClients } from '../../src/aws/clients.js';
import { readCommand } from '../../src/commands/read/read.js';
import { toReadOptions } from '../../src/commands/read/read-flags.js';
import { colourless } from '../../src/terminal/color.js';
import { Diagnostics } from '../../src/terminal/diagnostics.js';
import { TextSink } from '../helpers/memory-io.js';
import { ocsfProblems } from '../helpers/ocsf-validator.js';
import { readOnce } from '../helpers/read-once.js';
import { startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';

// `das-read detect` against the lab's stream, as a cron job runs it: the rules are this test's own
// (test/fixtures/detect/test-rules.yml); the built-in set is another's to test.

const RULES = fileURLToPath(new URL('../fixtures/detect/test-rules.yml', import.meta.url));
const OWN = ['--no-builtin-rules', '--rules', RULES];
const DROP = '6d0b2f3e-1c7a-4e59-9a1f-2b3c4d5e6f70';
const BURST = '8f2d4b5a-3e9c-4a7b-9c3f-4d5e6f708192';

let lab: TestLab;
let stream: TestStream;
let dir: string;

const events = (from: number): DasEvent[] => [
  ...Array.from({ length: 10 }, (_, n) => postgresEvent(from + n)),
  postgresEvent(from + 10, { class: 'DDL', command: 'DROP TABLE', commandText: 'DROP TABLE accounts' }),
  ...Array.from({ length: 4 }, (_, n) =>
    postgresEvent(from + 11 + n, { class: 'MISC', command: 'AUTH FAILURE', commandText: null, dbUserName: 'mallory', remoteHost: '203.0.113.7' }),
  ),
];

async function put(list: DasEvent[]): Promise<void> {
  const records = [];
  for (let at = 0; at < list.length; at += 5) records.push(activityRecord(stream.database.resourceId, 'db-DETECT', list.slice(at, at + 5)));
  await stream.put(records);
}

beforeAll(async () => {
  lab = await startTestLab();
  dir = await mkdtemp(join(tmpdir(), 'das-read-detect-'));
  stream = await lab.activityStream({ name: 'detect-cluster' });
  await put(events(0));
}, 60_000);
afterAll(async () => {
  await lab?.close();
});

type Ocsf = {
  finding_info: { uid: string; analytic: { uid: string }; related_events: Array<{ uid: string }> };
  cloud: unknown;
  resources: Array<{ uid: string }>;
};
const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as Ocsf);

describe('das-read detect against the lab', () => {
  it("finds what the rules say in the live stream, as valid OCSF naming the events by the read's own ids", async () => {
    const found = await readOnce(lab.endpoint, ['detect', '--cluster', 'detect-cluster', ...OWN, '-o', 'ocsf']);
    expect(found.code, found.stderr).toBe(ExitCode.ok);
    const findings = parsed(found.stdout);
    expect(findings.map((finding) => finding.finding_info.analytic.uid)).toEqual([DROP, BURST]);
    expect(found.stdout.flatMap((line) => ocsfProblems('detection_finding', JSON.parse(line)))).toEqual([]);
    // The cluster's ARN gives the region, the account and the resource.
    expect(findings[0]?.cloud).toEqual({ provider: 'AWS', region: 'us-east-1', account: { uid: '000000000000', type_id: 10, type: 'AWS Account' } });
    expect(findings[0]?.resources[0]?.uid).toBe('arn:aws:rds:us-east-1:000000000000:cluster:detect-cluster');
    const ndjson = await readOnce(lab.endpoint, ['--cluster', 'detect-cluster', '-o', 'ndjson', '--command', 'AUTH FAILURE']);
    const ids = ndjson.stdout.map((line) => (JSON.parse(line) as { eventId: string }).eventId);
    expect(findings[1]?.finding_info.related_events.map((event) => event.uid)).toEqual(ids.slice(0, 3));
  });

  it('writes ASFF naming the cluster by its ARN, and exits 5 with --fail-on', async () => {
    const asff = await readOnce(lab.endpoint, ['detect', '--cluster', 'detect-cluster', ...OWN, '-o', 'asff', '--fail-on', 'high']);
    expect(asff.code, asff.stderr).toBe(ExitCode.findings);
    const first = JSON.parse(asff.stdout[0] ?? '{}') as { ProductArn: string; Resources: unknown[] };
    expect(first.ProductArn).toBe('arn:aws:securityhub:us-east-1:000000000000:product/000000000000/default');
    expect(first.Resources).toEqual([
      { Type: 'AwsRdsDbCluster', Id: 'arn:aws:rds:us-east-1:000000000000:cluster:detect-cluster', Partition: 'aws', Region: 'us-east-1' },
    ]);
  });

  it('with --checkpoint, a finding is written once: the next run evaluates only what came after', async () => {
    const checkpoint = join(dir, 'detect.json');
    const args = ['detect', '--cluster', 'detect-cluster', ...OWN, '-o', 'ocsf', '--checkpoint', checkpoint];
    const first = await readOnce(lab.endpoint, args);
    expect(first.code, first.stderr).toBe(ExitCode.ok);
    expect(parsed(first.stdout).map((finding) => finding.finding_info.analytic.uid)).toEqual([DROP, BURST]);
    const again = await readOnce(lab.endpoint, args);
    expect(again.code, again.stderr).toBe(ExitCode.ok);
    expect(again.stdout).toEqual([]);
    await put([postgresEvent(100, { class: 'DDL', command: 'DROP TABLE', commandText: 'DROP TABLE ledger' })]);
    const later = await readOnce(lab.endpoint, args);
    expect(parsed(later.stdout).map((finding) => finding.finding_info.analytic.uid)).toEqual([DROP]);
    const uids = [...first.stdout, ...later.stdout].map((line) => (JSON.parse(line) as Ocsf).finding_info.uid);
    expect(new Set(uids).size).toBe(3);
  });

  it("writes what a form held to the end (a detector's pending findings) after the last record", async () => {
    const options = toReadOptions({ cluster: 'detect-cluster', endpointUrl: lab.endpoint, follow: false }, false, new Date());
    const clients = createAwsClients(options.aws);
    const stdout = new TextSink();
    try {
      await readCommand(options, {
        clients,
        stdout,
        formatFor: () => ({
          write: (out, _record, kept) => kept.forEach(() => out.append('event\n')),
          end: (out) => out.append('end\n'),
        }),
        log: new Diagnostics(new TextSink(), colourless(), false),
        signal: new AbortController().signal,
        now: () => new Date(),
        lockOwner: { pid: -1, isAlive: () => true },
      });
    } finally {
      clients.destroy();
    }
    const lines = stdout.lines();
    expect(lines.at(-1)).toBe('end');
    expect(lines.filter((line) => line === 'event').length).toBeGreaterThanOrEqual(15);
  });
});
