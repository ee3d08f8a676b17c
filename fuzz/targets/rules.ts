// The Sigma rule loader: a rule file's bytes, as a user (or a rule set copied from elsewhere) wrote them, compiled by
// compileRules and run over a few events. Its promise: the file is loaded whole or refused with a UsageError naming
// its file and line; never another error; the rules it loads never throw on an event; the state stays JSON.
import { createDetector } from '../../src/detect/detector.js';
import { compileRules } from '../../src/detect/compile-rules.js';
import { UsageError } from '../../src/errors.js';
import { invariant, type FuzzTarget } from '../target.js';

const NAME = 'fuzz.yml';
const PLACE = /^fuzz\.yml:\d+: /;
const EVENTS = [
  { command: 'AUTH FAILURE', dbUserName: 'alice', remoteHost: '10.0.0.1', logTime: '2026-12-01 10:00:00.000+00', serverType: 'PostgreSQL' },
  { command: 'GRANT', commandText: 'GRANT pg_read_server_files TO alice', dbUserName: 'alice', logTime: '2026-12-01 10:00:01+00', rowCount: 0 },
  {
    commandText: "COPY t TO PROGRAM 'sh'",
    remoteHost: 'fd00::1',
    logTime: '2026-12-01 10:00:02Z',
    engineNativeAuditFields: { OBJECT_NAME: 'T' },
    paramList: ['x'],
  },
  { commandText: 'SELECT * FROM t', rowCount: 100000, exitCode: '1', errorMessage: null, startTime: '2026-12-01 10:10:00' },
];

const target: FuzzTarget = {
  dictionary: [
    'title: t\n',
    'id: ',
    'name: ',
    'logsource:\n    category: database\n',
    '    product: mysql\n',
    'detection:\n',
    '    selection:\n',
    '        commandText|contains: ',
    '|re|i',
    '|cidr',
    '|gte',
    '|all',
    '|exists',
    '|cased',
    '|base64offset',
    '    condition: ',
    ' and not ',
    '1 of sel*',
    'all of them',
    '(',
    ')',
    'correlation:\n',
    '    type: event_count\n',
    '    type: temporal_ordered\n',
    '    group-by:\n        - dbUserName\n',
    '    timespan: 2m\n',
    '    condition:\n        gte: 2\n',
    '        field: dbUserName\n',
    '---\n',
    '- ',
    '&a ',
    '*a',
    '\\*',
    '?',
    'null',
    '~',
    '\t',
  ],
  async run(input) {
    const text = new TextDecoder().decode(input);
    let rules;
    try {
      rules = compileRules([{ name: NAME, text }]);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      invariant(PLACE.test(error.message), 'a refusal does not name its file and line', () => error.message.slice(0, 200));
      return `refused: ${error.message
        .replace(PLACE, '')
        .replace(/"[^"]*"/g, '"…"')
        .replace(/\d+/g, '#')
        .slice(0, 60)}`;
    }
    const detector = createDetector(rules);
    let findings = 0;
    EVENTS.forEach((event, n) => {
      findings += detector.observe({ event: { type: 'record', ...event }, eventId: `f:${n}:0`, clusterId: null, instanceId: null }).length;
    });
    const state = JSON.stringify(detector.exportState());
    invariant(state.length < 1_000_000, 'the correlation state is over its bound');
    return `loaded ${Math.min(rules.length, 5)} rules, ${findings > 0 ? 'some' : 'no'} findings`;
  },
};
export default target;
