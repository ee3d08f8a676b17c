import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { compileRules } from '../../src/detect/compile-rules.js';
import { builtinRulesDir, loadRules, ruleSummary } from '../../src/detect/load-rules.js';
import { UsageError } from '../../src/errors.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/sigma/', import.meta.url));
const SIGMAHQ = join(FIXTURES, 'db_anomalous_query.yml');
const EVERY = join(FIXTURES, 'every-modifier.yml');

const seen = (event: Record<string, unknown>, eventId = 'shardId-0:1:0') => ({
  event: { type: 'record', logTime: '2026-12-01 10:00:00.000+00', ...event },
  eventId,
  clusterId: null,
  instanceId: null,
});

function refusal(text: string, name = 'rules/x.yml'): string {
  try {
    compileRules([{ name, text }]);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('the rule was accepted');
}

const rule = (lines: string[]) =>
  ['title: t', 'id: 00000000-0000-4000-8000-00000000000a', 'logsource:', '  category: database', 'detection:', ...lines, 'level: high'].join('\n');

describe("SigmaHQ's db_anomalous_query.yml, as published", () => {
  it('loads with its id, title, level and tags, for every engine', async () => {
    const rules = await loadRules({ builtin: false, paths: [SIGMAHQ] });
    expect(rules.map(ruleSummary)).toEqual([
      {
        id: 'd84c0ded-edd7-4123-80ed-348bb3ccc4d5',
        title: 'Suspicious SQL Query',
        level: 'medium',
        description: expect.stringContaining('dropping tables') as string,
        tags: ['attack.exfiltration', 'attack.initial-access', 'attack.privilege-escalation', 'attack.t1190', 'attack.t1505.001'],
        engines: [],
        source: SIGMAHQ,
        correlation: false,
      },
    ]);
  });

  it('fires on a statement with its keywords, escaped star included, and not on others', async () => {
    const detector = createDetector(await loadRules({ builtin: false, paths: [SIGMAHQ] }));
    expect(detector.observe(seen({ commandText: 'SELECT * FROM customers', serverType: 'PostgreSQL' }))).toHaveLength(1);
    expect(detector.observe(seen({ commandText: 'DROP TABLE customers', serverType: 'MySQL' }))).toHaveLength(1);
    expect(detector.observe(seen({ commandText: 'SELECT id FROM customers' }))).toEqual([]);
    expect(detector.observe(seen({ commandText: 'SELECT xx FROM t' }))).toEqual([]);
  });
});

describe('loading rule files', () => {
  it('a file of several documents: rules by name and by id, correlations resolved, what each is', () => {
    const rules = compileRules([{ name: 'every.yml', text: readFileSync(EVERY, 'utf8') }]);
    expect(rules.map((rule) => [rule.summary.title, rule.summary.correlation, rule.summary.engines])).toEqual([
      ['Every modifier', false, ['postgresql']],
      ['Failed logins', false, []],
      ['Many failed logins for one user', true, []],
      ['One source failing many users', true, []],
      ['Failures then a grant', true, []],
    ]);
  });

  it('a folder: its .yml and .yaml files, subfolders too; a correlation may name a rule of another file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'das-rules-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'base.yaml'), rule(['  selection:', "    command: 'AUTH FAILURE'", '  condition: selection', 'name: base']));
    writeFileSync(
      join(dir, 'burst.yml'),
      [
        'title: burst',
        'id: 00000000-0000-4000-8000-00000000000b',
        'correlation:',
        '  type: event_count',
        '  rules: [base]',
        '  timespan: 1m',
        '  condition: { gte: 2 }',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'notes.txt'), 'not a rule');
    const rules = await loadRules({ builtin: false, paths: [dir] });
    expect(rules.map((r) => r.summary.source).sort()).toEqual([join(dir, 'burst.yml'), join(dir, 'sub', 'base.yaml')]);
  });

  it('product: mssql is SQL Server: the rule runs on SQL Server events only', () => {
    const text = [
      'title: t',
      'id: m1',
      'logsource:',
      '  category: database',
      '  product: mssql',
      'detection:',
      "  s: {commandText|contains: 'xp_cmdshell'}",
      '  condition: s',
    ];
    const rules = compileRules([{ name: 'm.yml', text: text.join('\n') }]);
    expect(rules[0]?.summary.engines).toEqual(['mssql']);
    const detector = createDetector(rules);
    expect(detector.observe(seen({ commandText: 'exec xp_cmdshell', serverType: 'SQLSERVER' }))).toHaveLength(1);
    expect(detector.observe(seen({ commandText: 'exec xp_cmdshell', serverType: 'PostgreSQL' }))).toEqual([]);
    expect(detector.observe(seen({ commandText: 'exec xp_cmdshell' }))).toEqual([]);
  });

  it('a correlation of rules for one engine says so', () => {
    const base = [
      'title: t',
      'id: m1',
      'name: b',
      'logsource:',
      '  category: database',
      '  product: mysql',
      'detection:',
      '  s: {command: x}',
      '  condition: s',
    ];
    const burst = ['title: c', 'id: m2', 'correlation:', '  type: event_count', '  rules: [b]', '  timespan: 1m', '  condition: {gte: 2}'];
    const rules = compileRules([{ name: 'm.yml', text: [...base, '---', ...burst].join('\n') }]);
    expect(rules.map((rule) => rule.summary.engines)).toEqual([['mysql'], ['mysql']]);
  });

  it('the built-in rules are rules/builtin/ at the package root', () => {
    expect(builtinRulesDir()).toBe(fileURLToPath(new URL('../../rules/builtin/', import.meta.url)));
  });

  it('the built-in folder, when the package has one, loads like any other', async () => {
    await expect(loadRules({ builtin: true, paths: [] })).resolves.toBeInstanceOf(Array);
  });

  it('a path that cannot be read is a UsageError naming it', async () => {
    await expect(loadRules({ builtin: false, paths: ['/no/such/rules.yml'] })).rejects.toThrow(/^\/no\/such\/rules\.yml: cannot read the rules: ENOENT/);
  });
});

describe('regular expressions a client could make run for ever', () => {
  it('refuses, at load, one that can backtrack exponentially, at its line', () => {
    expect(refusal(rule(['  selection:', "    commandText|re: '(a+)+$'", '  condition: selection']))).toMatch(
      /^rules\/x\.yml:7: the regular expression "\(a\+\)\+\$" can take exponential time on some input \(nested repetition\)/,
    );
    expect(refusal(rule(['  selection:', '    commandText|re|i:', "      - 'drop'", "      - '(\\w+\\s?)*;'", '  condition: selection']))).toMatch(
      /^rules\/x\.yml:9: the regular expression .* can take exponential time/,
    );
  });

  it('still loads every built-in rule, whose expressions repeat at most one level deep', async () => {
    expect((await loadRules({ builtin: true, paths: [] })).length).toBeGreaterThan(10);
  });
});

describe('a leading (?i), (?s), (?m), as SigmaHQ writes them', () => {
  it('becomes the flags; inline flags elsewhere are refused with what to write instead', async () => {
    const rules = compileRules([{ name: 'f.yml', text: rule(['  selection:', "    commandText|re: '(?is)^select.+from'", '  condition: selection']) }]);
    const detector = createDetector(rules);
    expect(detector.observe(seen({ commandText: 'SELECT a\nFROM t' }))).toHaveLength(1);
    expect(detector.observe(seen({ commandText: 'DELETE FROM t' }))).toHaveLength(0);
    expect(refusal(rule(['  selection:', "    commandText|re: 'select (?i)from'", '  condition: selection']))).toMatch(
      /^rules\/x\.yml:7: the regular expression "select \(\?i\)from" sets flags inside the pattern: only a leading \(\?i\)/,
    );
  });
});

describe('refusing what is not supported, with the file and the line', () => {
  it('an unsupported modifier', () => {
    expect(refusal(rule(['  selection:', '    commandText|base64offset|contains: x', '  condition: selection']))).toBe(
      'rules/x.yml:7: the modifier "base64offset" is not supported',
    );
  });

  it('modifiers that do not go together, re flags without re, cased where case means nothing', () => {
    expect(refusal(rule(['  selection:', '    commandText|contains|startswith: x', '  condition: selection']))).toMatch(
      /^rules\/x\.yml:7: the modifiers contains and "startswith" cannot be used together/,
    );
    expect(refusal(rule(['  selection:', '    commandText|i: x', '  condition: selection']))).toMatch(/^rules\/x\.yml:7: the modifier i is only for/);
    expect(refusal(rule(['  selection:', '    rowCount|gt|cased: 5', '  condition: selection']))).toMatch(/cased does not apply to gt/);
  });

  it('values a modifier cannot take, at their own line', () => {
    expect(refusal(rule(['  selection:', '    commandText|re:', "      - 'ok'", "      - '(unclosed'", '  condition: selection']))).toMatch(
      /^rules\/x\.yml:9: the regular expression "\(unclosed" is not one JavaScript reads/,
    );
    expect(refusal(rule(['  selection:', "    remoteHost|cidr: '10.0.0.0/33'", '  condition: selection']))).toMatch(/^rules\/x\.yml:7: cidr takes a network/);
    expect(refusal(rule(['  selection:', "    rowCount|gt: 'many'", '  condition: selection']))).toMatch(/^rules\/x\.yml:7: gt takes a number/);
    expect(refusal(rule(['  selection:', '    errorMessage|exists: yes', '  condition: selection']))).toMatch(/exists takes true or false/);
    expect(refusal(rule(['  selection:', '    commandText|contains: null', '  condition: selection']))).toMatch(
      /null cannot be used with the modifier contains/,
    );
    expect(refusal(rule(['  selection:', '    commandText: []', '  condition: selection']))).toMatch(/empty list of values/);
  });

  it('a logsource other than category database, a product das-read does not read', () => {
    const windows = ['title: t', 'id: x1', 'logsource:', '  product: windows', '  category: process_creation', 'detection:', '  s: {a: 1}', '  condition: s'];
    expect(refusal(windows.join('\n'))).toMatch(/^rules\/x\.yml:4: the logsource product "windows" is not supported/);
    const service = ['title: t', 'id: x1', 'logsource:', '  category: database', '  service: security', 'detection:', '  s: {a: 1}', '  condition: s'];
    expect(refusal(service.join('\n'))).toMatch(/^rules\/x\.yml:5: the logsource "service" is not supported/);
    const category = ['title: t', 'id: x1', 'logsource:', '  category: webserver', 'detection:', '  s: {a: 1}', '  condition: s'];
    expect(refusal(category.join('\n'))).toMatch(/^rules\/x\.yml:4: the logsource category "webserver" is not supported/);
  });

  it('Sigma 1 forms: timeframe, aggregations, action: global', () => {
    expect(refusal(rule(['  s: {a: 1}', '  timeframe: 5m', '  condition: s']))).toMatch(/^rules\/x\.yml:7: timeframe/);
    expect(refusal(['action: global', 'title: t'].join('\n'))).toMatch(/^rules\/x\.yml:1: action: "global"/);
  });

  it('YAML that is not valid, duplicate keys, aliases: at their line', () => {
    expect(refusal('title: t\nid: x\nlogsource: [unclosed\n')).toMatch(/^rules\/x\.yml:\d+: not valid YAML/);
    expect(refusal('title: t\ntitle: u\n')).toMatch(/^rules\/x\.yml:2: not valid YAML/);
    expect(refusal(rule(['  s: &a {a: 1}', '  t: *a', '  condition: s or t']))).toMatch(/^rules\/x\.yml:7: YAML aliases are not supported/);
  });

  it('correlations: an unknown type, a rule not loaded, a correlation of correlations, a bad timespan', () => {
    const base = rule(['  s: {command: x}', '  condition: s', 'name: base']);
    const correlation = (lines: string[]) => `${base}\n---\ntitle: c\nid: c1\ncorrelation:\n${lines.join('\n')}\n`;
    // The correlation's attributes start at line 14.
    expect(refusal(correlation(['  type: near', '  rules: [base]', '  timespan: 1m']))).toMatch(
      /^rules\/x\.yml:14: the correlation type "near" is not supported/,
    );
    expect(refusal(correlation(['  type: event_count', '  rules: [nothing]', '  timespan: 1m', '  condition: {gte: 2}']))).toMatch(
      /^rules\/x\.yml:15: no rule loaded has the id or name "nothing"/,
    );
    expect(refusal(correlation(['  type: event_count', '  rules: [c1]', '  timespan: 1m', '  condition: {gte: 2}']))).toMatch(/correlations of correlations/);
    expect(refusal(correlation(['  type: event_count', '  rules: [base]', '  timespan: 1w', '  condition: {gte: 2}']))).toMatch(
      /^rules\/x\.yml:16: the timespan "1w"/,
    );
    expect(refusal(correlation(['  type: value_count', '  rules: [base]', '  timespan: 1m', '  condition: {gte: 2}']))).toMatch(/needs a field/);
    expect(refusal(correlation(['  type: event_count', '  rules: [base]', '  timespan: 1m', '  condition: {ne: 2}']))).toMatch(/"ne" is not supported/);
    expect(refusal(correlation(['  type: event_count', '  rules: [base]', '  timespan: 1m', '  condition: {gte: 2}', '  window: x']))).toMatch(
      /attribute "window" is not supported/,
    );
  });

  it('two rules with one id, naming both places', () => {
    const one = rule(['  s: {a: 1}', '  condition: s']);
    expect(() =>
      compileRules([
        { name: 'a.yml', text: one },
        { name: 'b.yml', text: one },
      ]),
    ).toThrow('b.yml:2: the id "00000000-0000-4000-8000-00000000000a" is already the id of the rule at a.yml:1');
  });

  it('never half-applied: one refused document refuses the whole set', () => {
    const good = rule(['  s: {a: 1}', '  condition: s']);
    const bad = rule(['  s: {a|wide: 1}', '  condition: s']).replace('00a', '00c');
    expect(() =>
      compileRules([
        { name: 'good.yml', text: good },
        { name: 'bad.yml', text: `${good.replace('00a', '00d')}\n---\n${bad}` },
      ]),
    ).toThrow(/^bad\.yml:15: the modifier "wide" is not supported/);
  });

  it('YAML nested deeper than the parser can follow is refused at its line, not a stack overflow', () => {
    const deep = `title: t\nid: x\ndetection:\n  s: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}\n`;
    expect(refusal(deep)).toMatch(/^rules\/x\.yml:4: the YAML nests too deeply/);
    const flow = `title: t\nid: x\ndetection:\n  s: ${'['.repeat(30_000)}\n`;
    expect(refusal(flow)).toMatch(/^rules\/x\.yml:4: /);
  });

  it('a rule file cannot write to the terminal through a message', () => {
    expect(refusal(rule(['  selection:', '    commandText|\u001b[2J: x', '  condition: selection']))).toContain('"\\u001b[2J"');
  });
});

describe('properties of the loader', () => {
  it('a rule file cut at any byte is loaded whole or refused with its place', () => {
    const loadedOrPlaced = (text: string, cut: number) => {
      try {
        compileRules([{ name: 'cut.yml', text: text.slice(0, cut) }]);
      } catch (error) {
        if (!(error instanceof UsageError)) throw new Error(`cut at ${cut}: ${String(error)}`, { cause: error });
        expect(error.message).toMatch(/^cut\.yml:\d+: /);
      }
    };
    // Every byte of SigmaHQ's rule; the multi-document set at drawn bytes.
    const sigmahq = readFileSync(SIGMAHQ, 'utf8');
    for (let cut = 0; cut <= sigmahq.length; cut++) loadedOrPlaced(sigmahq, cut);
    const every = readFileSync(EVERY, 'utf8');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: every.length }), (cut) => loadedOrPlaced(every, cut)),
      { numRuns: 300 },
    );
  });

  it('arbitrary text is loaded or refused with a place, never another error', () => {
    const piece = fc.constantFrom(
      'title: t\n',
      'id: x\n',
      'detection:\n',
      '  s:\n',
      '    a|contains: x\n',
      '  condition: s\n',
      '---\n',
      'correlation:\n',
      '- ',
      ': ',
      '{',
      '[',
      '&a ',
      '*a',
      '"',
      "'",
      '\t',
      '\n',
      'logsource:\n  category: database\n',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join('')),
    );
    fc.assert(
      fc.property(text, (yaml) => {
        try {
          compileRules([{ name: 'f.yml', text: yaml }]);
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
          expect(error.message).toMatch(/^f\.yml:\d+: /);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('matching never throws, whatever the event holds', () => {
    const rules = [
      ...compileRules([{ name: 'every.yml', text: readFileSync(EVERY, 'utf8') }]),
      ...compileRules([{ name: 'sigmahq.yml', text: readFileSync(SIGMAHQ, 'utf8') }]),
    ];
    const detector = createDetector(rules);
    const field = fc.constantFrom(
      'commandText',
      'dbUserName',
      'objectName',
      'remoteHost',
      'rowCount',
      'exitCode',
      'errorMessage',
      'clientApplication',
      'objectType',
      'serverType',
      'logTime',
      'command',
      'engineNativeAuditFields',
      'paramList',
      '__proto__',
      'constructor',
    );
    const event = fc.dictionary(field, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 10 });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 20 }), (events) => {
        events.forEach((fields, n) => {
          const findings = detector.observe({ event: { ...fields, type: 'record' }, eventId: `p:${n}`, clusterId: null, instanceId: null });
          for (const finding of findings) expect(finding.evidence.length).toBeGreaterThan(0);
        });
      }),
      { numRuns: 500 },
    );
    expect(JSON.parse(JSON.stringify(detector.exportState()))).toBeTruthy();
  });
});
