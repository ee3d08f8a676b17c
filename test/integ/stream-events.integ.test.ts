import { DescribeEventsCommand, type DescribeEventsCommandInput } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsFor, type AwsClients } from '../../src/aws/clients.js';
import { startActivityStream, stopActivityStream, waitForStatus } from '../../src/aws/activity-stream.js';
import { streamEventsFor } from '../../src/aws/stream-events.js';
import type { StreamEvent } from '../../src/report/report-data.js';
import { LAB_CREDENTIALS } from '../../lab/src/lab-clients.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let lab: TestLab;
let aws: AwsClients;
let key: string;
beforeAll(async () => {
  lab = await startTestLab({ transitionMs: 50 });
  aws = clientsFor({ region: lab.region, endpointUrl: lab.endpoint }, undefined, LAB_CREDENTIALS);
  key = lab.kms.createKey('das events').keyId;
});
afterAll(async () => {
  aws?.destroy();
  await lab?.close();
});

const waitOptions = { timeoutMs: 10_000, pollMs: 100, now: Date.now };

/** Whatever RDS says of a cluster's (or instance's) events in the window, through das-read. */
const eventsOf = (identifier: string, from: number, until: number, kind: 'cluster' | 'instance' = 'cluster', now = Date.now()) =>
  streamEventsFor({ rds: aws.rds, kind, identifier, from, until, now });

const describeEvents = (input: DescribeEventsCommandInput) => aws.rds.send(new DescribeEventsCommand(input));

describe('RDS events of the activity stream (DescribeEvents, through the real SDK)', () => {
  it("a start and a stop are RDS-EVENT-0179 then -0180, at the times the transitions completed, in the report's shape", async () => {
    lab.rds.addDatabase('cluster', 'ev-pg', 'aurora-postgresql', '15.4');
    const ref = { kind: 'cluster', identifier: 'ev-pg' } as const;
    const before = Date.now();
    await startActivityStream(aws.rds, { ref, kmsKey: key, mode: 'async', applyImmediately: true, engineNativeAuditFields: false });
    await waitForStatus(aws.rds, ref, 'started', waitOptions);
    const started = Date.now();
    await stopActivityStream(aws.rds, ref, true);
    await waitForStatus(aws.rds, ref, 'stopped', waitOptions);
    const stopped = Date.now();

    const { events, note } = await eventsOf('ev-pg', before - MINUTE, stopped + MINUTE);
    expect(note).toBeNull();
    // The report's contract, checked by the compiler: aws/ writes the shape out, as it sits below report/.
    const contract: StreamEvent[] = events;
    expect(contract.map(({ eventId, kind, sourceId }) => ({ eventId, kind, sourceId }))).toEqual([
      { eventId: 'RDS-EVENT-0179', kind: 'started', sourceId: 'ev-pg' },
      { eventId: 'RDS-EVENT-0180', kind: 'stopped', sourceId: 'ev-pg' },
    ]);
    const [start, stop] = events;
    expect(start?.message).toBe('Database Activity Streams is started on your database cluster');
    expect(start?.time).toBeGreaterThanOrEqual(before);
    expect(start?.time).toBeLessThanOrEqual(started);
    expect(stop?.time).toBeGreaterThanOrEqual(started);
    expect(stop?.time).toBeLessThanOrEqual(stopped);

    // As RDS answers it: the source, its ARN, the category; and only the asked source's.
    const raw = await describeEvents({ SourceType: 'db-cluster', SourceIdentifier: 'ev-pg' });
    expect(raw.Events?.[0]).toMatchObject({
      SourceIdentifier: 'ev-pg',
      SourceType: 'db-cluster',
      SourceArn: 'arn:aws:rds:us-east-1:000000000000:cluster:ev-pg',
      EventCategories: ['configuration change'],
    });
    expect(raw.Events?.[0]?.Date).toBeInstanceOf(Date);
    expect((await eventsOf('ev-other', before - MINUTE, stopped + MINUTE)).events).toEqual([]);
    // The window is [from, until): a stop at its very end belongs to the next one.
    expect((await eventsOf('ev-pg', before - MINUTE, stop?.time ?? 0)).events.map((event) => event.kind)).toEqual(['started']);
  });

  it("an instance-level stream's events are the instance's (SourceType db-instance)", async () => {
    const instance = lab.rds.addDatabase('instance', 'ev-ora', 'oracle-ee', '19');
    const before = Date.now();
    await lab.startActivityStream(instance, key);
    const { events } = await eventsOf('ev-ora', before - MINUTE, Date.now() + MINUTE, 'instance');
    expect(events).toMatchObject([{ kind: 'started', eventId: 'RDS-EVENT-0179', sourceId: 'ev-ora' }]);
    expect((await eventsOf('ev-ora', before - MINUTE, Date.now() + MINUTE, 'cluster')).events).toEqual([]);
  });

  it('keeps a message that names the activity stream as other, leaves out the rest (a backup, an identifier that says activity-stream)', async () => {
    lab.rds.addDatabase('cluster', 'ev-mixed', 'aurora-postgresql', '15.4');
    const at = Date.now() - 30 * MINUTE;
    const cluster = { sourceType: 'db-cluster', sourceIdentifier: 'ev-mixed' };
    lab.rds.recordEvent({ ...cluster, date: at, message: 'Backing up DB cluster', categories: ['backup'] });
    lab.rds.recordEvent({
      ...cluster,
      date: at + 1_000,
      message: 'The activity stream could not deliver events durably; some activity may have been lost.',
      categories: ['notification'],
    });
    // An identifier (a user's choice, no spaces) naming the stream does not make the event the stream's.
    lab.rds.recordEvent({
      ...cluster,
      date: at + 2_000,
      message: 'Finished applying modification to DB cluster my-activity-stream-db',
      categories: ['configuration change'],
    });
    // Nor does the documented sentence anywhere but at the start.
    lab.rds.recordEvent({
      ...cluster,
      date: at + 3_000,
      message: 'Renamed to x. Database Activity Streams is stopped on your database cluster',
      categories: [],
    });
    // Markup in a message is text, kept as RDS sent it: escaping is for whoever shows it (the report's page).
    lab.rds.recordEvent({ ...cluster, date: at + 4_000, message: 'Activity stream <script>alert(1)</script> & "more"', categories: [] });
    const { events, note } = await eventsOf('ev-mixed', at - MINUTE, Date.now());
    expect(note).toBeNull();
    expect(events).toEqual([
      {
        time: at + 1_000,
        eventId: '',
        kind: 'other',
        sourceId: 'ev-mixed',
        message: 'The activity stream could not deliver events durably; some activity may have been lost.',
      },
      {
        time: at + 3_000,
        eventId: '',
        kind: 'other',
        sourceId: 'ev-mixed',
        message: 'Renamed to x. Database Activity Streams is stopped on your database cluster',
      },
      { time: at + 4_000, eventId: '', kind: 'other', sourceId: 'ev-mixed', message: 'Activity stream <script>alert(1)</script> & "more"' },
    ]);
  });

  it('pages through more than 100 events (MaxRecords 100 and a Marker), in time order', async () => {
    lab.rds.addDatabase('cluster', 'ev-busy', 'aurora-postgresql', '15.4');
    const base = Date.now() - 3 * 60 * MINUTE;
    // Recorded newest first: RDS answers oldest first whatever order they came in.
    for (let index = 249; index >= 0; index--) {
      lab.rds.recordEvent({
        sourceType: 'db-cluster',
        sourceIdentifier: 'ev-busy',
        date: base + index * 1_000,
        message:
          index % 2 === 0 ? 'Database Activity Streams is started on your database cluster' : 'Database Activity Streams is stopped on your database cluster',
        categories: ['configuration change'],
      });
    }
    const first = await describeEvents({ SourceType: 'db-cluster', SourceIdentifier: 'ev-busy', StartTime: new Date(base - MINUTE), MaxRecords: 100 });
    expect(first.Events).toHaveLength(100);
    expect(first.Marker).toBeTruthy();
    const { events, note } = await eventsOf('ev-busy', base - MINUTE, Date.now());
    expect(note).toBeNull();
    expect(events).toHaveLength(250);
    expect(events.map((event) => event.time)).toEqual(Array.from({ length: 250 }, (_, index) => base + index * 1_000));
    expect(events.slice(0, 3).map((event) => event.kind)).toEqual(['started', 'stopped', 'started']);
  });

  it('refuses MaxRecords out of 20–100 as RDS does, and answers the last hour when no time is given', async () => {
    for (const MaxRecords of [19, 101]) {
      await expect(describeEvents({ MaxRecords })).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: `Invalid value ${MaxRecords} for MaxRecords. Must be between 20 and 100`,
      });
    }
    await expect(describeEvents({ SourceIdentifier: 'ev-pg' })).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
    lab.rds.addDatabase('cluster', 'ev-hour', 'aurora-postgresql', '15.4');
    const now = Date.now();
    for (const minutesAgo of [90, 50, 5]) {
      lab.rds.recordEvent({
        sourceType: 'db-cluster',
        sourceIdentifier: 'ev-hour',
        date: now - minutesAgo * MINUTE,
        message: `${minutesAgo} minutes ago`,
        categories: ['notification'],
      });
    }
    const messages = async (input: DescribeEventsCommandInput) =>
      ((await describeEvents({ SourceType: 'db-cluster', SourceIdentifier: 'ev-hour', ...input })).Events ?? []).map((event) => event.Message);
    expect(await messages({})).toEqual(['50 minutes ago', '5 minutes ago']);
    expect(await messages({ Duration: 120 })).toEqual(['90 minutes ago', '50 minutes ago', '5 minutes ago']);
    expect(await messages({ Duration: 10 })).toEqual(['5 minutes ago']);
    expect(await messages({ StartTime: new Date(now - 100 * MINUTE), EndTime: new Date(now - 10 * MINUTE) })).toEqual(['90 minutes ago', '50 minutes ago']);
    expect(await messages({ EventCategories: ['backup'], Duration: 120 })).toEqual([]);
    expect(await messages({ EventCategories: ['backup', 'notification'], Duration: 120 })).toHaveLength(3);
  });

  it('asks no further back than 14 days, and says what could not be asked', async () => {
    lab.rds.addDatabase('cluster', 'ev-old', 'aurora-postgresql', '15.4');
    const now = Date.now();
    const stream = { sourceType: 'db-cluster', sourceIdentifier: 'ev-old', categories: ['configuration change'] };
    lab.rds.recordEvent({ ...stream, date: now - 15 * DAY, message: 'Database Activity Streams is stopped on your database cluster' });
    lab.rds.recordEvent({ ...stream, date: now - 13 * DAY, message: 'Database Activity Streams is started on your database cluster' });
    // RDS itself no longer has the older one, however it is asked.
    expect((await describeEvents({ SourceType: 'db-cluster', SourceIdentifier: 'ev-old', StartTime: new Date(now - 20 * DAY) })).Events).toHaveLength(1);

    const clipped = await eventsOf('ev-old', now - 20 * DAY, now, 'cluster', now);
    expect(clipped.events.map((event) => event.kind)).toEqual(['started']);
    const edge = new Date(now - 14 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(clipped.note).toBe(`RDS keeps events 14 days: the activity stream's starts and stops before ${edge} could not be asked`);
    const beyond = await eventsOf('ev-old', now - 20 * DAY, now - 15 * DAY, 'cluster', now);
    expect(beyond.events).toEqual([]);
    expect(beyond.note).toMatch(/^RDS keeps events 14 days: .* \(all before .*\) could not be asked$/);
  });

  it("a refused DescribeEvents is a note naming the permission, not an error; another refusal is a note with RDS's words", async () => {
    lab.gateway.denied.add('rds:DescribeEvents');
    try {
      const denied = await eventsOf('ev-pg', Date.now() - DAY, Date.now());
      expect(denied.events).toEqual([]);
      expect(denied.note).toMatch(/^RDS refused rds:DescribeEvents \(AccessDenied\) for cluster ev-pg: .*grant the reader rds:DescribeEvents to see them$/);
    } finally {
      lab.gateway.denied.delete('rds:DescribeEvents');
    }
    lab.gateway.faults.add({ action: 'rds:DescribeEvents', kind: 'refused', refusal: { code: 'InvalidParameterValue', message: 'Not today.' }, times: 1 });
    const refused = await eventsOf('ev-pg', Date.now() - DAY, Date.now());
    expect(refused).toEqual({ events: [], note: 'rds:DescribeEvents of cluster ev-pg was refused: InvalidParameterValue: Not today.' });
    // An empty window is not asked about.
    expect(await eventsOf('ev-pg', Date.now(), Date.now() - DAY)).toEqual({ events: [], note: null });
  });

  it("rides out throttling with the project's retries", async () => {
    lab.gateway.faults.add({ action: 'rds:DescribeEvents', kind: 'throttle', times: 2 });
    const { events, note } = await eventsOf('ev-pg', Date.now() - DAY, Date.now() + MINUTE);
    expect(note).toBeNull();
    expect(events.map((event) => event.kind)).toEqual(['started', 'stopped']);
  });
});
