import { describe, expect, it } from 'vitest';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { toAsff, asffTypes } from '../../src/detect/asff.js';
import { toOcsfFinding } from '../../src/detect/finding-ocsf.js';
import { formatFinding, MAX_SHOWN_STATEMENTS } from '../../src/commands/detect/finding-pretty.js';
import type { Finding, RuleSummary, SeenEvent } from '../../src/detect/finding.js';
import { placeOfName } from '../../src/detect/finding-place.js';
import { makeChalk } from '../../src/terminal/color.js';
import { activeCharacters, CLIENT_FIELDS, HOSTILE_PAYLOADS } from '../helpers/hostile.js';
import { ocsfProblems } from '../helpers/ocsf-validator.js';
import type { DasEvent } from '../../src/decode/types.js';

const RULE: RuleSummary = {
  id: '5f1c2c3e-0d2a-4b8e-9a57-1d7f3c9e0a11',
  title: 'Failed logins in a burst',
  level: 'high',
  description: 'Eight failed logins of one user in two minutes.',
  tags: ['attack.credential_access', 'attack.t1110'],
  engines: ['postgresql'],
  source: 'test/burst.yml',
  correlation: true,
};

const seen = (n: number, overrides: Partial<DasEvent> = {}): SeenEvent => ({
  event: postgresEvent(n, { dbUserName: 'alice', command: 'AUTH FAILURE', ...overrides }),
  eventId: `shardId-000000000000:4959${n}:0`,
  clusterId: 'cluster-ABCDEFGH',
  instanceId: 'db-IJKLMNOP',
});

function finding(evidence: SeenEvent[], rule: RuleSummary = RULE, group?: Record<string, string>): Finding {
  const time = (at: SeenEvent) => String(at.event.logTime ?? at.event.startTime);
  return {
    rule,
    uid: '0123456789abcdef0123456789abcdef',
    first: time(evidence[0] as SeenEvent),
    last: time(evidence.at(-1) as SeenEvent),
    eventCount: evidence.length,
    evidence: evidence.slice(0, 20),
    ...(group ? { group } : {}),
  };
}

interface OcsfShape {
  class_uid: number;
  severity_id: number;
  finding_info: { uid: string; analytic: unknown; related_events: Array<{ uid: string }>; first_seen_time: number; last_seen_time: number; attacks: unknown };
  cloud: unknown;
  resources: unknown[];
  metadata: { product: unknown };
}

const PLACE = { region: 'eu-west-1', accountId: '123456789012', databaseArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:prod', readerVersion: '0.1.0' };

describe('a finding as an OCSF 1.1.0 Detection Finding', () => {
  it('validates against the schema, with the analytic, the evidence ids, the times, the severity, cloud and the database', () => {
    const events = Array.from({ length: 8 }, (_, n) => seen(n));
    const ocsf = toOcsfFinding(finding(events, RULE, { dbUserName: 'alice' }), PLACE) as unknown as OcsfShape;
    expect(ocsfProblems('detection_finding', ocsf)).toEqual([]);
    expect(ocsf.class_uid).toBe(2004);
    expect(ocsf.severity_id).toBe(4);
    expect(ocsf.finding_info.uid).toBe('0123456789abcdef0123456789abcdef');
    expect(ocsf.finding_info.analytic).toEqual({ uid: RULE.id, name: RULE.title, type_id: 1, type: 'Rule' });
    expect(ocsf.finding_info.related_events.map((event) => event.uid)).toEqual(events.map((event) => event.eventId));
    expect(ocsf.finding_info.first_seen_time).toBe(Date.UTC(2026, 0, 1));
    expect(ocsf.finding_info.last_seen_time).toBe(Date.UTC(2026, 0, 1) + 7 * 7);
    expect(ocsf.cloud).toEqual({ provider: 'AWS', region: 'eu-west-1', account: { uid: '123456789012', type_id: 10, type: 'AWS Account' } });
    expect(ocsf.resources[0]).toMatchObject({ uid: PLACE.databaseArn, type: 'Aurora PostgreSQL', region: 'eu-west-1' });
    expect(ocsf.metadata.product).toEqual({
      name: 'Amazon Aurora PostgreSQL',
      vendor_name: 'AWS',
      feature: { name: 'Database Activity Streams, read by das-read 0.1.0' },
    });
    expect(ocsf.finding_info.attacks).toEqual([{ technique: { uid: 'T1110' }, tactic: { uid: 'TA0006', name: 'Credential Access' } }]);
  });

  it("lists the host profile when it names an actor (the host profile's attribute), and not without one", () => {
    type Profiled = { actor?: unknown; metadata: { profiles: string[] } };
    const withUser = toOcsfFinding(finding([seen(0)], RULE, { dbUserName: 'alice' }), PLACE) as unknown as Profiled;
    expect(withUser.actor).toBeDefined();
    expect(withUser.metadata.profiles).toEqual(['cloud', 'security_control', 'host']);
    const bare = toOcsfFinding(finding([seen(1, { dbUserName: undefined })], RULE), PLACE) as unknown as Profiled;
    expect(bare.actor).toBeUndefined();
    expect(bare.metadata.profiles).toEqual(['cloud', 'security_control']);
  });

  it('validates for every level, without a place, and for events with hostile or missing fields', () => {
    for (const level of ['informational', 'low', 'medium', 'high', 'critical'] as const) {
      const bare = seen(1, { remoteHost: undefined, dbUserName: undefined, logTime: undefined, startTime: 'not a time' });
      const hostile = seen(2, Object.fromEntries(CLIENT_FIELDS.map((field) => [field, HOSTILE_PAYLOADS[0]?.[1]])));
      const ocsf = toOcsfFinding(finding([bare, hostile], { ...RULE, level, tags: [], description: '' }));
      expect(ocsfProblems('detection_finding', ocsf)).toEqual([]);
    }
  });
});

describe('a finding in ASFF', () => {
  it('has every field BatchImportFindings requires, the custom product ARN, the rule as generator, the cluster by ARN', () => {
    const asff = toAsff(finding([seen(0), seen(1)]), PLACE);
    expect(asff).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default',
      GeneratorId: RULE.id,
      AwsAccountId: '123456789012',
      Types: ['TTPs/Credential Access'],
      CreatedAt: '2026-01-01T00:00:00.000Z',
      UpdatedAt: '2026-01-01T00:00:00.007Z',
      Severity: { Label: 'HIGH' },
      Title: RULE.title,
      Resources: [{ Type: 'AwsRdsDbCluster', Id: PLACE.databaseArn, Partition: 'aws', Region: 'eu-west-1' }],
    });
    expect(asff.Id).toContain('0123456789abcdef0123456789abcdef');
    expect(asff.Description.length).toBeGreaterThan(0);
    expect(asff.ProductFields['das-read/eventIds']).toBe(`${seen(0).eventId} ${seen(1).eventId}`);
  });

  it('names an instance by its db: ARN, and a database known only by its resource id by that id', () => {
    const instance = placeOfName('instance', 'orcl', { region: 'us-east-1', accountId: '123456789012' });
    expect(toAsff(finding([seen(0)]), { ...instance, region: 'us-east-1', accountId: '123456789012' }).Resources).toEqual([
      { Type: 'AwsRdsDbInstance', Id: 'arn:aws:rds:us-east-1:123456789012:db:orcl', Partition: 'aws', Region: 'us-east-1' },
    ]);
    const bare = toAsff(finding([seen(0)]), { region: 'us-east-1', accountId: '123456789012' });
    expect(bare.Resources[0]).toMatchObject({ Type: 'Other', Id: 'cluster-ABCDEFGH' });
  });

  it('takes its types from the tactics: TTPs, Effects for exfiltration and impact, and an unusual behaviour without one', () => {
    expect(asffTypes(['attack.privilege_escalation', 'attack.t1098', 'attack.persistence'])).toEqual(['TTPs/Privilege Escalation', 'TTPs/Persistence']);
    expect(asffTypes(['attack.exfiltration'])).toEqual(['Effects/Data Exfiltration']);
    expect(asffTypes(['attack.t1110'])).toEqual(['Unusual Behaviors/User']);
  });

  it('keeps within ASFF limits whatever the rule and events say', () => {
    const long = 'x'.repeat(10_000);
    const asff = toAsff(finding([seen(0, { dbUserName: long })], { ...RULE, title: long, description: long }), PLACE);
    expect(asff.Title.length).toBeLessThanOrEqual(256);
    expect(asff.Description.length).toBeLessThanOrEqual(1024);
    expect(Object.values(asff.ProductFields).every((value) => value.length <= 2048)).toBe(true);
  });
});

describe('a finding at a terminal', () => {
  const chalk = makeChalk(1);

  it('shows the level in colour, the rule, who, from where, the database, the times and the statements', () => {
    const text = formatFinding(finding([seen(0, { remoteHost: '203.0.113.9', clientApplication: 'psql' }), seen(1)]), chalk, { utc: true });
    expect(text).toContain(chalk.red.bold('HIGH'));
    expect(text).toContain(RULE.title);
    expect(text).toContain(RULE.id);
    expect(text).toContain('alice');
    expect(text).toContain('203.0.113.9');
    expect(text).toContain('psql');
    expect(text).toContain('postgres');
    expect(text).toContain('cluster-ABCDEFGH');
    expect(text).toContain('2026-01-01 00:00:00.000Z – 2026-01-01 00:00:00.007Z');
    expect(text).toContain('SELECT abalance');
  });

  it('without colour is plain text', () => {
    const text = formatFinding(finding([seen(0)]), makeChalk(0));
    expect(text).not.toContain('\u001b');
    expect(text.startsWith('HIGH  ')).toBe(true);
  });

  it(`shows at most ${MAX_SHOWN_STATEMENTS} statements, and counts the rest`, () => {
    const text = formatFinding(finding(Array.from({ length: 12 }, (_, n) => seen(n))), makeChalk(0));
    expect(text.match(/SELECT abalance/g)).toHaveLength(MAX_SHOWN_STATEMENTS);
    expect(text).toContain('… and 7 more events');
  });

  it('fits every line to the width', () => {
    const text = formatFinding(finding([seen(0, { commandText: 'SELECT '.repeat(100) })]), makeChalk(0), { width: 60 });
    expect(text.split('\n').every((line) => [...line].length <= 60)).toBe(true);
  });

  for (const [name, payload] of HOSTILE_PAYLOADS) {
    it(`renders ${name} inert in every field a client writes, and in the rule's own words`, () => {
      const hostile = seen(0, Object.fromEntries(CLIENT_FIELDS.map((field) => [field, payload])));
      const text = formatFinding(finding([hostile], { ...RULE, title: payload, id: payload }, { dbUserName: payload }), chalk, { width: 200 });
      expect(activeCharacters(text)).toEqual([]);
      // Each finding is its block: the only line breaks are its own.
      expect(text.split('\n').length).toBe(formatFinding(finding([seen(0)], RULE, { dbUserName: 'alice' }), chalk, { width: 200 }).split('\n').length);
    });
  }
});

describe('the OCSF validator, for class 2004', () => {
  it('refuses a detection finding without what the class requires, or with what it has not', () => {
    const good = toOcsfFinding(finding([seen(0)]), PLACE);
    const { finding_info: _info, action_id: _action, ...missing } = good;
    expect(ocsfProblems('detection_finding', missing)).toEqual(expect.arrayContaining(['.finding_info: required, missing', '.action_id: required, missing']));
    expect(ocsfProblems('detection_finding', { ...good, database: { name: 'postgres', type_id: 1 } })).toEqual([
      'database: not an attribute of this object or class',
    ]);
    expect(ocsfProblems('detection_finding', { ...good, type_uid: 600501 })).toEqual(['type_uid: 600501, not class_uid × 100 + activity_id']);
  });
});

describe('a hostile event in the JSON forms', () => {
  for (const [name, payload] of HOSTILE_PAYLOADS) {
    it(`${name}: OCSF and ASFF keep it exact, as data, and each finding stays one line`, () => {
      const hostile = seen(0, { commandText: payload, dbUserName: payload, clientApplication: payload, remoteHost: payload, databaseName: payload });
      const found = finding([hostile], RULE, { dbUserName: payload });
      const ocsf = JSON.stringify(toOcsfFinding(found, PLACE));
      const asff = JSON.stringify(toAsff(found, PLACE));
      for (const line of [ocsf, asff]) {
        // eslint-disable-next-line no-control-regex -- looking for control characters is the point
        expect(line).not.toMatch(/[\n\r\u001b\u0000\u0007]/);
      }
      expect(ocsfProblems('detection_finding', JSON.parse(ocsf))).toEqual([]);
      const evidence = (JSON.parse(ocsf) as { evidences: Array<{ data: { commandText: string }; actor: { user: { name: string } } }> }).evidences[0];
      expect(evidence?.data.commandText).toBe(payload);
      expect(evidence?.actor.user.name).toBe(payload);
      expect((JSON.parse(asff) as { ProductFields: Record<string, string> }).ProductFields['das-read/dbUserName']).toBe(payload);
    });
  }
});
