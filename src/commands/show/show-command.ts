import { SHOWING, type CommandSpec } from '../../cmdutil/flags.js';

export const SHOW = {
  name: 'show',
  description: "show das-read's saved ndjson (audit files, gzip'd or not) with the same forms and filters",
  files: 'files to read, in order (default: standard input; - is standard input too)',
  flags: ['savedFrom', 'until', ...SHOWING.slice(0, -3), 'summary', ...SHOWING.slice(-3), 'quiet', 'debug'],
  wording: {
    until: 'only events logged at or before this time or duration ago',
    summary: 'at the end (or on Ctrl-C), a table on stderr of the events written: by class, user, database, command; top and failed statements; a bar a minute',
  },
} as const satisfies CommandSpec;
