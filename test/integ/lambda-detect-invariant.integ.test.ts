import { Agent } from 'node:http';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CREDENTIALS } from '../../lab/src/lab.js';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { createDecoder, type Decoder } from '../../src/decode/decoder.js';
import type { RuleSummary } from '../../src/detect/finding.js';
import type { EventRule } from '../../src/detect/rule.js';
import { jsonLog, stdoutDelivery } from '../../src/lambda/delivery.js';
import { eventBridgeTarget, securityHubTarget } from '../../src/lambda/findings-target.js';
import { handleKinesisBatch } from '../../src/lambda/kinesis-batch.js';
import { lambdaConfig } from '../../src/lambda/lambda-config.js';
import type { KinesisEventRecord, KinesisStreamEvent } from '../../src/lambda/lambda-events.js';
import { RECORD_BOUND_BYTES } from '../../src/lambda/record-input.js';
import { recordLines } from '../../src/lambda/record-lines.js';
import { BatchDetection } from '../../src/lambda/window-detection.js';
import { TextSink } from '../helpers/memory-io.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';

/**
 * DETECT's invariant, whatever Security Hub or EventBridge answer (a finding refused, a call failed
 * whole, some of each, on any attempt): every record of the batch is either done (its events
 * delivered, its findings taken) or named in batchItemFailures, and those named are the first that
 * was not done and every one after it. Retried as Lambda retries, the batch ends with every event
 * delivered once and every finding taken.
 */

let lab: TestLab;
let streamArn: string;
let decoder: Decoder;
let securityHub: SecurityHubClient;
let eventBridge: EventBridgeClient;
/** Records as RDS makes them: plain, with a statement a rule finds, with two. */
const pool: string[] = [];

const summary = (id: string): RuleSummary => ({
  id,
  title: `rule ${id}`,
  level: 'high',
  description: `rule ${id}`,
  tags: ['attack.impact', 'attack.t1485'],
  engines: [],
  source: 'test.yml',
  correlation: false,
});
const rule = (id: string, word: string): EventRule => ({
  kind: 'event',
  summary: summary(id),
  name: undefined,
  engine: undefined,
  matches: (view) => view.lowerTexts('commandText').some((text) => text.includes(word)),
});
const RULES = [rule('6a0b0d4e-0000-4000-8000-00000000000a', 'drop table'), rule('6a0b0d4e-0000-4000-8000-00000000000b', 'truncate')];

beforeAll(async () => {
  lab = await startTestLab();
  const stream = await lab.activityStream({ name: 'detect-invariant' });
  streamArn = `arn:aws:kinesis:${lab.region}:000000000000:stream/${stream.streamName}`;
  decoder = createDecoder({ kms: lab.clients.kms, resourceId: stream.database.resourceId, threads: 0, maxRecordBytes: RECORD_BOUND_BYTES });
  const encode = async (events: Parameters<typeof activityRecord>[2]) =>
    (await stream.producer.encode(activityRecord(stream.database.resourceId, 'db-A', events))).toString('base64');
  pool.push(
    await encode([postgresEvent(1), postgresEvent(2)]),
    await encode([postgresEvent(3, { commandText: 'DROP TABLE a' })]),
    await encode([postgresEvent(4, { commandText: 'TRUNCATE b' }), postgresEvent(5), postgresEvent(6, { commandText: 'DROP TABLE c; TRUNCATE c' })]),
  );
  const common = {
    endpoint: lab.endpoint,
    region: lab.region,
    credentials: LAB_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true }) }),
  };
  securityHub = new SecurityHubClient(common);
  eventBridge = new EventBridgeClient(common);
}, 60_000);
afterAll(async () => {
  securityHub?.destroy();
  eventBridge?.destroy();
  await decoder?.close();
  await lab?.close();
});

const sequenceOf = (place: number) => `4959100000000000000000000000000000000000000000${String(1000 + place)}`;
const recordsOf = (picks: readonly number[], from = 0): KinesisEventRecord[] =>
  picks.map((pick, at) => ({
    eventSource: 'aws:kinesis',
    eventID: `shardId-000000000000:${sequenceOf(from + at)}`,
    eventSourceARN: streamArn,
    kinesis: { sequenceNumber: sequenceOf(from + at), data: pool[pick % pool.length] as string, partitionKey: 'pk' },
  }));

type Target = 'securityhub' | 'eventbridge';
/** How the target answers: per finding (or entry) it is shown, in turn; past the plan's end, it takes them. */
interface Plan {
  target: Target;
  refusals: boolean[];
  /** Calls failed whole (a 500) among the first calls. */
  failedCalls: number;
}

/** Ids the target took during a run, in order. */
const taken: string[] = [];
function answerAs(plan: Plan): void {
  let turn = 0;
  const refuse = () => plan.refusals[turn++] === true;
  lab.securityHub.refuse = (finding) => {
    if (refuse()) return { Id: String(finding.Id), ErrorCode: 'InternalException', ErrorMessage: 'Internal failure' };
    taken.push(String(finding.Id));
    return undefined;
  };
  lab.eventBridge.refuse = (entry) => {
    if (refuse()) return { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
    taken.push((JSON.parse(String(entry.Detail)) as { findings: Array<{ Id: string }> }).findings[0]?.Id ?? '');
    return undefined;
  };
  lab.gateway.faults.clear();
  if (plan.failedCalls > 0) {
    lab.gateway.faults.add({ action: 'securityhub:BatchImportFindings', kind: 'server-error', times: plan.failedCalls });
    lab.gateway.faults.add({ action: 'events:PutEvents', kind: 'server-error', times: plan.failedCalls });
  }
}

async function run(event: KinesisStreamEvent, target: Target) {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const log = jsonLog(stderr);
  const sink =
    target === 'securityhub'
      ? securityHubTarget(securityHub, log, { delayMs: 0, attempts: 3 })
      : eventBridgeTarget(eventBridge, 'default', log, { delayMs: 0, attempts: 3 });
  taken.length = 0;
  const answer = await handleKinesisBatch(event, {
    linesOf: recordLines(lambdaConfig({}), () => decoder),
    delivery: stdoutDelivery(stdout),
    log,
    detection: new BatchDetection(event, { rules: RULES, target: sink, log }),
  });
  return { answer, lines: stdout.lines(), taken: [...taken] };
}

describe('DETECT on generated batches, whatever the findings target answers', () => {
  it('every record is done or reported (the first not done and all after it); retried, every event once and every finding taken', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { minLength: 1, maxLength: 7 }),
        fc.record({
          target: fc.constantFrom<Target>('securityhub', 'eventbridge'),
          refusals: fc.array(fc.boolean(), { maxLength: 24 }),
          failedCalls: fc.integer({ min: 0, max: 4 }),
        }),
        async (picks, plan) => {
          const records = recordsOf(picks);
          const sequences = records.map((record) => record.kinesis.sequenceNumber);
          answerAs({ target: plan.target, refusals: [], failedCalls: 0 });
          const clean = await run({ Records: records }, plan.target);
          expect(clean.answer).toEqual({ batchItemFailures: [] });

          answerAs(plan);
          const ran = await run({ Records: records }, plan.target);
          const cut = records.length - ran.answer.batchItemFailures.length;
          // A suffix: the first record not done, and every one after it.
          expect(ran.answer.batchItemFailures).toEqual(sequences.slice(cut).map((itemIdentifier) => ({ itemIdentifier })));
          // The records done: their events delivered as a clean run of just them delivers them, their findings all taken.
          answerAs({ target: plan.target, refusals: [], failedCalls: 0 });
          const done = await run({ Records: records.slice(0, cut) }, plan.target);
          expect(ran.lines).toEqual(done.lines);
          for (const id of done.taken) expect(ran.taken).toContain(id);

          // Lambda retries from the first reported record, until the target takes everything.
          const retried = await run({ Records: records.slice(cut) }, plan.target);
          expect(retried.answer).toEqual({ batchItemFailures: [] });
          expect([...ran.lines, ...retried.lines]).toEqual(clean.lines);
          expect(new Set([...ran.taken, ...retried.taken])).toEqual(new Set(clean.taken));
        },
      ),
      { numRuns: 30 },
    );
  }, 240_000);
});
