import { Agent } from 'node:http';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { BatchImportFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../lab/src/gateway.js';
import { LocalEventBridge } from '../../lab/src/local-eventbridge.js';
import { LocalFirehose } from '../../lab/src/local-firehose.js';
import { LocalKms } from '../../lab/src/local-kms.js';
import { LocalRds } from '../../lab/src/local-rds.js';
import { LocalS3 } from '../../lab/src/local-s3.js';
import { LocalSecurityHub } from '../../lab/src/local-securityhub.js';
import { LAB_CREDENTIALS } from '../../lab/src/lab-clients.js';

// The lab's Security Hub (REST-JSON) and EventBridge (JSON 1.1), spoken to by the real SDK clients over HTTP.
const place = { region: 'us-east-1', accountId: '000000000000' };
let gateway: Gateway;
let securityHub: LocalSecurityHub;
let eventBridge: LocalEventBridge;
let hub: SecurityHubClient;
let events: EventBridgeClient;

beforeAll(async () => {
  gateway = await startGateway({
    kms: new LocalKms(place),
    rds: new LocalRds(place),
    firehose: new LocalFirehose(place),
    s3: new LocalS3(),
    securityHub: (securityHub = new LocalSecurityHub(place)),
    eventBridge: (eventBridge = new LocalEventBridge(place)),
    kinesisUrl: 'http://127.0.0.1:9',
  });
  const common = {
    endpoint: gateway.url,
    region: place.region,
    credentials: LAB_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true }) }),
  };
  hub = new SecurityHubClient(common);
  events = new EventBridgeClient(common);
  eventBridge.createEventBus('das-findings');
});
afterAll(async () => {
  hub?.destroy();
  events?.destroy();
  await gateway?.close();
});
beforeEach(() => {
  securityHub.refuse = () => undefined;
  eventBridge.refuse = () => undefined;
});

const finding = (id: string, change: Partial<AwsSecurityFinding> = {}): AwsSecurityFinding => ({
  SchemaVersion: '2018-10-08',
  Id: id,
  ProductArn: 'arn:aws:securityhub:us-east-1:000000000000:product/000000000000/default',
  GeneratorId: '6f3d1c8e-0000-4000-8000-000000000001',
  AwsAccountId: '000000000000',
  CreatedAt: '2026-01-01T00:00:00.000Z',
  UpdatedAt: '2026-01-01T00:00:00.000Z',
  Severity: { Label: 'HIGH' },
  Title: 'Failed logins in a burst',
  Description: 'Eight failed logins in two minutes',
  Resources: [{ Type: 'AwsRdsDbCluster', Id: 'arn:aws:rds:us-east-1:000000000000:cluster:lab' }],
  Types: ['TTPs/Credential Access/T1110'],
  ...change,
});

describe("the lab's Security Hub (BatchImportFindings)", () => {
  it('imports ASFF findings, and a finding imported again with the same Id updates the one held', async () => {
    const answer = await hub.send(new BatchImportFindingsCommand({ Findings: [finding('a'), finding('b')] }));
    expect(answer).toMatchObject({ FailedCount: 0, SuccessCount: 2, FailedFindings: [] });
    const again = await hub.send(new BatchImportFindingsCommand({ Findings: [finding('a', { Title: 'Updated' })] }));
    expect(again.SuccessCount).toBe(1);
    const held = securityHub.findings().filter((f) => ['a', 'b'].includes(String(f.Id)));
    expect(held.map((f) => [f.Id, f.Title])).toEqual([
      ['a', 'Updated'],
      ['b', 'Failed logins in a burst'],
    ]);
    expect(securityHub.updates).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['without a Title', { Title: undefined }, /Title/],
    ['without Resources', { Resources: [] }, /Resources/],
    ['with a Resource without its Id', { Resources: [{ Type: 'Other', Id: undefined as unknown as string }] }, /Resources\[0\].*Id/],
    ['without Severity', { Severity: undefined }, /Severity/],
    ['with a Severity of neither Label nor Normalized', { Severity: { Original: '8' } }, /Severity/],
    ['with Types outside ASFF namespaces', { Types: ['Credential Access/T1110'] }, /Types\[0\]/],
    ['without Types', { Types: undefined }, /Types/],
    ['with CreatedAt not a date-time', { CreatedAt: 'yesterday' }, /CreatedAt/],
    ['of another account', { AwsAccountId: '111111111111' }, /AwsAccountId/],
    ['with a Description over 1024 characters', { Description: 'x'.repeat(1025) }, /Description/],
  ])('refuses a finding %s as a partial failure (InvalidInput), and takes the others of the call', async (_label, change, message) => {
    const id = `bad-${_label.replace(/\W+/g, '-')}`;
    const answer = await hub.send(new BatchImportFindingsCommand({ Findings: [finding(`${id}-ok`), finding(id, change as Partial<AwsSecurityFinding>)] }));
    expect(answer.FailedCount).toBe(1);
    expect(answer.SuccessCount).toBe(1);
    expect(answer.FailedFindings?.[0]).toMatchObject({ Id: id, ErrorCode: 'InvalidInput' });
    expect(answer.FailedFindings?.[0]?.ErrorMessage).toMatch(message);
    expect(securityHub.findings().map((f) => f.Id)).toContain(`${id}-ok`);
    expect(securityHub.findings().map((f) => f.Id)).not.toContain(id);
  });

  it('refuses a finding over 240 KB', async () => {
    const answer = await hub.send(new BatchImportFindingsCommand({ Findings: [finding('huge', { ProductFields: { evidence: 'x'.repeat(241 * 1024) } })] }));
    expect(answer.FailedFindings?.[0]).toMatchObject({ Id: 'huge', ErrorCode: 'InvalidInput' });
  });

  it('refuses a call of more than 100 findings whole, with a 400 the SDK names InvalidInputException', async () => {
    const calls = securityHub.calls.length;
    const many = Array.from({ length: 101 }, (_, index) => finding(`many-${index}`));
    await expect(hub.send(new BatchImportFindingsCommand({ Findings: many }))).rejects.toMatchObject({
      name: 'InvalidInputException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(securityHub.calls.length).toBe(calls);
    expect(await hub.send(new BatchImportFindingsCommand({ Findings: many.slice(0, 100) }))).toMatchObject({ SuccessCount: 100 });
  });

  it('injects partial failures when a test asks, in the real answer shape', async () => {
    securityHub.refuse = (f) => (f.Id === 'refused' ? { Id: 'refused', ErrorCode: 'InternalException', ErrorMessage: 'Internal service failure.' } : undefined);
    const answer = await hub.send(new BatchImportFindingsCommand({ Findings: [finding('taken'), finding('refused')] }));
    expect(answer).toMatchObject({ FailedCount: 1, SuccessCount: 1, FailedFindings: [{ Id: 'refused', ErrorCode: 'InternalException' }] });
  });

  it('answers access denied when the lab denies securityhub:BatchImportFindings', async () => {
    gateway.denied.add('securityhub:BatchImportFindings');
    try {
      await expect(hub.send(new BatchImportFindingsCommand({ Findings: [finding('denied')] }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    } finally {
      gateway.denied.delete('securityhub:BatchImportFindings');
    }
  });
});

describe("the lab's EventBridge (PutEvents)", () => {
  const entry = (detail: unknown, change: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
    EventBusName: 'das-findings',
    Source: 'das-read',
    DetailType: 'das-read Finding',
    Detail: JSON.stringify(detail),
    ...change,
  });

  it('puts events on the named bus (by name or ARN), each answered with its EventId', async () => {
    const answer = await events.send(
      new PutEventsCommand({
        Entries: [entry({ n: 1 }), entry({ n: 2 }, { EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/das-findings', Time: new Date(0) })],
      }),
    );
    expect(answer.FailedEntryCount).toBe(0);
    expect(answer.Entries?.every((e) => typeof e.EventId === 'string')).toBe(true);
    expect(eventBridge.events('das-findings').map((e) => e.detail)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(eventBridge.events('das-findings')[1]?.time).toBe('1970-01-01T00:00:00.000Z');
  });

  it('refuses a call of more than 10 entries whole (ValidationException)', async () => {
    const entries = Array.from({ length: 11 }, (_, n) => entry({ n }));
    await expect(events.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('refuses, entry by entry, a malformed Detail, an entry over 256 KB, an unknown bus; a call whose entries together pass 256 KB whole', async () => {
    const answer = await events.send(
      new PutEventsCommand({
        Entries: [entry({ ok: true }), { ...entry({}), Detail: 'not json' }, entry({}, { EventBusName: 'nobody' })],
      }),
    );
    expect(answer.FailedEntryCount).toBe(2);
    expect(answer.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual(['ok', 'MalformedDetail', 'ResourceNotFoundException']);
    const lone = await events.send(new PutEventsCommand({ Entries: [entry({ x: 'y'.repeat(256 * 1024) })] }));
    expect(lone.Entries?.[0]?.ErrorCode).toBe('InvalidArgument');
    const half = 'y'.repeat(140 * 1024);
    await expect(events.send(new PutEventsCommand({ Entries: [entry({ half }), entry({ half })] }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('injects partial failures when a test asks', async () => {
    eventBridge.refuse = (_e, n) => (n === 1 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : undefined);
    const answer = await events.send(new PutEventsCommand({ Entries: [entry({ n: 'a' }), entry({ n: 'b' })] }));
    expect(answer.FailedEntryCount).toBe(1);
    expect(answer.Entries?.[1]).toMatchObject({ ErrorCode: 'ThrottlingException' });
  });
});
