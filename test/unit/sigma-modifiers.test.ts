import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { compileRules } from '../../src/detect/compile-rules.js';
import type { DasEvent } from '../../src/decode/types.js';

/** A rule whose detection is `selection`, given as YAML lines under it. */
function ruleWith(selection: string, condition = 'selection'): string {
  return [
    'title: t',
    'id: 00000000-0000-4000-8000-000000000001',
    'logsource:',
    '  category: database',
    'detection:',
    selection,
    `  condition: ${condition}`,
    'level: high',
    '',
  ].join('\n');
}

function matcher(selection: string, condition?: string): (event: Partial<DasEvent>) => boolean {
  const detector = createDetector(compileRules([{ name: 't.yml', text: ruleWith(selection, condition) }]));
  let n = 0;
  return (event) => detector.observe({ event: { type: 'record', ...event }, eventId: `e:${n++}`, clusterId: null, instanceId: null }).length > 0;
}

describe('Sigma values and modifiers over DAS fields', () => {
  it('a plain value equals the whole field, case-insensitively', () => {
    const match = matcher("  selection:\n    dbUserName: 'Admin'");
    expect(match({ dbUserName: 'admin' })).toBe(true);
    expect(match({ dbUserName: 'ADMIN' })).toBe(true);
    expect(match({ dbUserName: 'admin2' })).toBe(false);
    expect(match({ dbUserName: null })).toBe(false);
    expect(match({})).toBe(false);
  });

  it('* and ? are wildcards; \\* \\? \\\\ are the characters; a lone \\ is itself', () => {
    const star = matcher("  selection:\n    commandText: 'drop * cascade'");
    expect(star({ commandText: 'DROP TABLE t CASCADE' })).toBe(true);
    expect(star({ commandText: 'DROP TABLE t' })).toBe(false);
    const one = matcher("  selection:\n    objectName: 't?'");
    expect(one({ objectName: 't1' })).toBe(true);
    expect(one({ objectName: 't12' })).toBe(false);
    const escaped = matcher("  selection:\n    commandText: 'select \\*'");
    expect(escaped({ commandText: 'select *' })).toBe(true);
    expect(escaped({ commandText: 'select a' })).toBe(false);
    const question = matcher("  selection:\n    commandText: 'why\\?'");
    expect(question({ commandText: 'why?' })).toBe(true);
    expect(question({ commandText: 'whyX' })).toBe(false);
    const backslash = matcher("  selection:\n    objectName: 'a\\\\*'");
    expect(backslash({ objectName: 'a\\anything' })).toBe(true);
    expect(backslash({ objectName: 'ab' })).toBe(false);
    const lone = matcher("  selection:\n    objectName: 'dom\\user'");
    expect(lone({ objectName: 'DOM\\user' })).toBe(true);
  });

  it('contains, startswith, endswith', () => {
    expect(matcher("  selection:\n    commandText|contains: 'pg_read_file'")({ commandText: "SELECT PG_READ_FILE('/etc/passwd')" })).toBe(true);
    expect(matcher("  selection:\n    commandText|contains: 'pg_read_file'")({ commandText: 'SELECT 1' })).toBe(false);
    expect(matcher("  selection:\n    commandText|startswith: 'grant '")({ commandText: 'GRANT dba TO x' })).toBe(true);
    expect(matcher("  selection:\n    commandText|startswith: 'grant '")({ commandText: 'REVOKE; GRANT x' })).toBe(false);
    expect(matcher("  selection:\n    commandText|endswith: 'superuser'")({ commandText: 'ALTER ROLE x SUPERUSER' })).toBe(true);
    expect(matcher("  selection:\n    commandText|endswith: 'superuser'")({ commandText: 'ALTER ROLE x SUPERUSER;' })).toBe(false);
    expect(matcher("  selection:\n    commandText|contains: 'a*c'")({ commandText: 'xxabbbcxx' })).toBe(true);
  });

  it('a list of values is any of them; |all makes it all of them', () => {
    const any = matcher("  selection:\n    commandText|contains:\n      - 'lo_import'\n      - 'lo_export'");
    expect(any({ commandText: 'select lo_export(1)' })).toBe(true);
    expect(any({ commandText: 'select 1' })).toBe(false);
    const all = matcher("  selection:\n    commandText|contains|all:\n      - 'copy'\n      - 'program'");
    expect(all({ commandText: "COPY t TO PROGRAM 'sh'" })).toBe(true);
    expect(all({ commandText: 'COPY t TO STDOUT' })).toBe(false);
  });

  it('a map is all of its fields; a list of maps any of them', () => {
    const both = matcher("  selection:\n    command: 'GRANT'\n    dbUserName: 'app'");
    expect(both({ command: 'grant', dbUserName: 'app' })).toBe(true);
    expect(both({ command: 'grant', dbUserName: 'admin' })).toBe(false);
    const either = matcher("  selection:\n    - command: 'GRANT'\n    - command: 'REVOKE'");
    expect(either({ command: 'REVOKE' })).toBe(true);
    expect(either({ command: 'SELECT' })).toBe(false);
  });

  it('null matches a missing or null field only', () => {
    const match = matcher('  selection:\n    errorMessage: null');
    expect(match({})).toBe(true);
    expect(match({ errorMessage: null })).toBe(true);
    expect(match({ errorMessage: '' })).toBe(false);
    expect(match({ errorMessage: 'denied' })).toBe(false);
  });

  it('re: a regular expression, case-sensitive unless re|i; m and s as in JavaScript', () => {
    const re = matcher("  selection:\n    commandText|re: '^GRANT .+ TO '");
    expect(re({ commandText: 'GRANT dba TO x' })).toBe(true);
    expect(re({ commandText: 'grant dba to x' })).toBe(false);
    expect(matcher("  selection:\n    commandText|re|i: '^GRANT .+ TO '")({ commandText: 'grant dba to x' })).toBe(true);
    expect(matcher("  selection:\n    commandText|re|m: '^drop'")({ commandText: 'select 1;\ndrop table t' })).toBe(true);
    expect(matcher("  selection:\n    commandText|re: '^drop'")({ commandText: 'select 1;\ndrop table t' })).toBe(false);
    expect(matcher("  selection:\n    commandText|re|s: 'a.b'")({ commandText: 'a\nb' })).toBe(true);
    expect(matcher("  selection:\n    commandText|re: 'a.b'")({ commandText: 'a\nb' })).toBe(false);
  });

  it('cidr: IPv4 and IPv6 networks, an IPv4 client seen as ::ffff:', () => {
    const v4 = matcher("  selection:\n    remoteHost|cidr: '10.0.0.0/8'");
    expect(v4({ remoteHost: '10.1.2.3' })).toBe(true);
    expect(v4({ remoteHost: '::ffff:10.1.2.3' })).toBe(true);
    expect(v4({ remoteHost: '11.1.2.3' })).toBe(false);
    expect(v4({ remoteHost: 'db.example.com' })).toBe(false);
    expect(v4({ remoteHost: '[local]' })).toBe(false);
    const v6 = matcher("  selection:\n    remoteHost|cidr: 'fd00::/8'");
    expect(v6({ remoteHost: 'fd12::1' })).toBe(true);
    expect(v6({ remoteHost: 'fe80::1' })).toBe(false);
    expect(v6({ remoteHost: '10.1.2.3' })).toBe(false);
  });

  it('gt, gte, lt, lte compare numbers, also numbers written as text; other text never', () => {
    expect(matcher('  selection:\n    rowCount|gt: 1000')({ rowCount: 1001 })).toBe(true);
    expect(matcher('  selection:\n    rowCount|gt: 1000')({ rowCount: 1000 })).toBe(false);
    expect(matcher('  selection:\n    rowCount|gte: 1000')({ rowCount: 1000 })).toBe(true);
    expect(matcher('  selection:\n    rowCount|lt: 10')({ rowCount: 9 })).toBe(true);
    expect(matcher('  selection:\n    rowCount|lt: 10')({ rowCount: 10 })).toBe(false);
    expect(matcher('  selection:\n    rowCount|lte: 10')({ rowCount: 10 })).toBe(true);
    expect(matcher('  selection:\n    exitCode|gt: 0')({ exitCode: '1' })).toBe(true);
    expect(matcher('  selection:\n    exitCode|gt: 0')({ exitCode: 'x' })).toBe(false);
    expect(matcher('  selection:\n    rowCount|gt: 0')({})).toBe(false);
  });

  it('exists: the field is there with a value, or not', () => {
    expect(matcher('  selection:\n    errorMessage|exists: true')({ errorMessage: 'x' })).toBe(true);
    expect(matcher('  selection:\n    errorMessage|exists: true')({ errorMessage: null })).toBe(false);
    expect(matcher('  selection:\n    errorMessage|exists: false')({})).toBe(true);
    expect(matcher('  selection:\n    errorMessage|exists: false')({ errorMessage: 'x' })).toBe(false);
  });

  it('cased: the case counts', () => {
    const match = matcher("  selection:\n    dbUserName|cased: 'Admin'");
    expect(match({ dbUserName: 'Admin' })).toBe(true);
    expect(match({ dbUserName: 'admin' })).toBe(false);
    const contains = matcher("  selection:\n    commandText|contains|cased: 'DROP'");
    expect(contains({ commandText: 'x DROP y' })).toBe(true);
    expect(contains({ commandText: 'x drop y' })).toBe(false);
  });

  it('numbers and booleans in rules compare with the field as written', () => {
    expect(matcher('  selection:\n    exitCode: 0')({ exitCode: 0 })).toBe(true);
    expect(matcher('  selection:\n    exitCode: 0')({ exitCode: '0' })).toBe(true);
    expect(matcher('  selection:\n    exitCode: 0')({ exitCode: 1 })).toBe(false);
  });

  it('a dotted name reads into engineNativeAuditFields; a list field matches by any item', () => {
    const native = matcher("  selection:\n    engineNativeAuditFields.OBJECT_NAME: 'secrets'");
    expect(native({ engineNativeAuditFields: { OBJECT_NAME: 'SECRETS' } })).toBe(true);
    expect(native({ engineNativeAuditFields: { OTHER: 'secrets' } })).toBe(false);
    expect(native({})).toBe(false);
    const params = matcher("  selection:\n    paramList|contains: 'passwd'");
    expect(params({ paramList: ['a', '/etc/passwd'] })).toBe(true);
    expect(params({ paramList: ['a'] })).toBe(false);
  });

  it('keywords: a string anywhere in the event, nested fields too, case-insensitively', () => {
    const keywords = matcher("  keywords:\n    - 'xp_cmdshell'\n    - 'utl_file'", 'keywords');
    expect(keywords({ commandText: 'EXEC XP_CMDSHELL ...' })).toBe(true);
    expect(keywords({ engineNativeAuditFields: { SQL_TEXT: 'begin utl_file.fopen(...)' } })).toBe(true);
    expect(keywords({ commandText: 'select 1' })).toBe(false);
  });
});
