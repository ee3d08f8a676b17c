// The report state reader: an --incremental day's saved state (a file anyone with write access to the report folder
// may have changed), read by ReportBuilder.fromState. Its promise: a builder whose build() works, that goes on
// taking events and saves a state it reads back; or a ReportStateError. Never another error.
import { prepareRedaction } from '../../src/events/redact.js';
import { ReportBuilder, ReportStateError, type BuildContext } from '../../src/report/report-builder.js';
import { restoreReport } from '../../src/report/report-state-reader.js';
import { invariant, type FuzzTarget } from '../target.js';

const CONTEXTS: BuildContext[] = [
  {
    generator: 'fuzz',
    generatedAt: 0,
    redacted: false,
    source: { kind: 'saved', names: [] },
    window: { from: null, until: null },
    streamEvents: null,
    streamEventsNote: null,
    retentionGaps: [],
  },
  {
    generator: 'fuzz',
    generatedAt: 0,
    redacted: true,
    source: { kind: 'live', names: ['c'] },
    window: { from: Date.UTC(2026, 11, 1), until: Date.UTC(2026, 11, 2) },
    streamEvents: [{ time: Date.UTC(2026, 11, 1, 12), eventId: 'RDS-EVENT-0180', kind: 'stopped', sourceId: 'c', message: 'stopped' }],
    streamEventsNote: null,
    retentionGaps: [],
  },
];

const EVENTS = [
  {
    type: 'record',
    command: 'AUTH FAILURE',
    dbUserName: 'alice',
    remoteHost: '10.0.0.1',
    logTime: '2026-12-01 10:00:00.000+00',
    serverType: 'PostgreSQL',
    class: 'MISC',
  },
  { type: 'record', command: 'GRANT', class: 'ROLE', commandText: 'GRANT r TO alice', dbUserName: 'alice', logTime: '2026-12-01 10:00:01+00', sessionId: 's' },
  { type: 'record', command: 'QUERY', class: 'MAIN', commandText: 'INSERT INTO t VALUES (1)', serverType: 'MySQL', startTime: '2026-12-01 11:00:00' },
];

/** Makes the corpus: states as the builder saves them, small and with every part filled (fuzz/make-corpus.ts writes them). */
export async function reportStateCorpus(): Promise<Record<string, string>> {
  await prepareRedaction();
  const empty = new ReportBuilder();
  const filled = new ReportBuilder({ bounds: { statements: 2, logons: 1, changes: 1, buckets: 2, findings: 1 } });
  for (const [index, event] of [...EVENTS, ...EVENTS].entries()) {
    filled.add({
      event: { ...event, commandText: `${event.commandText ?? ''} ${index}` },
      eventId: `e${index}`,
      clusterId: 'cluster-A',
      instanceId: index % 2 ? 'db-A' : 'db-B',
    });
  }
  filled.heartbeat('db-A', 'cluster-A', Date.UTC(2026, 11, 1, 9));
  filled.unreadable('line 3 of x', 'not JSON');
  const rule = { id: 'r', title: 't', level: 'high' as const, description: 'd', tags: ['attack.t1110'], engines: [], source: 's', correlation: false };
  filled.addFinding({
    rule,
    uid: 'u',
    first: EVENTS[0]!.logTime!,
    last: EVENTS[0]!.logTime!,
    eventCount: 1,
    evidence: [{ event: EVENTS[0]!, eventId: 'e0', clusterId: null, instanceId: null }],
    group: { dbUserName: 'alice' },
  });
  return { 'empty.json': JSON.stringify(empty.toState()), 'filled.json': JSON.stringify(filled.toState()) };
}

let ready: Promise<void> | undefined;

const target: FuzzTarget = {
  dictionary: [
    '"kind":"das-read report state"',
    '"stateVersion":1',
    'null',
    '0',
    '-1',
    '1e308',
    '9007199254740993',
    '[]',
    '{}',
    '"\\u0000"',
    '8640000000000001',
    'true',
  ],
  async run(input) {
    await (ready ??= prepareRedaction());
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(input).toString('utf8'));
    } catch {
      return 'not-json';
    }
    let builder: ReportBuilder;
    try {
      builder = restoreReport(value);
    } catch (error) {
      if (error instanceof ReportStateError)
        return `refused: ${error.message
          .replace(/"[^"]*"/g, '"…"')
          .replace(/\d+/g, '#')
          .slice(0, 90)}`;
      throw error;
    }
    for (const context of CONTEXTS) builder.build(context);
    for (const [index, event] of EVENTS.entries()) builder.add({ event, eventId: `fuzz:${index}`, clusterId: 'cluster-A', instanceId: 'db-A' });
    builder.heartbeat('db-A', 'cluster-A', Date.UTC(2026, 11, 1, 10, 30));
    const built = CONTEXTS.map((context) => builder.build(context));
    let again: ReportBuilder | undefined;
    try {
      again = restoreReport(JSON.parse(JSON.stringify(builder.toState())));
    } catch (error) {
      invariant(false, 'a state the builder saved is refused', () => String(error).slice(0, 200));
    }
    invariant(JSON.stringify(CONTEXTS.map((context) => again.build(context))) === JSON.stringify(built), 'a state saved again builds another report');
    return 'loaded';
  },
};
export default target;
