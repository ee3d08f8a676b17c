import { DECODE } from '../commands/decode/decode-command.js';
import { DETECT, RULES } from '../commands/detect/detect-command.js';
import { DEMO, LAB } from '../commands/lab/lab-command.js';
import { READ } from '../commands/read/read-command.js';
import { REPORT } from '../commands/report/report-command.js';
import { SHOW } from '../commands/show/show-command.js';
import { START, STATUS, STOP } from '../commands/stream/stream-command.js';

/** Every command, by name, as its own folder declares it; the read is the program's own. */
export const COMMANDS = {
  read: READ,
  status: STATUS,
  start: START,
  stop: STOP,
  show: SHOW,
  decode: DECODE,
  detect: DETECT,
  rules: RULES,
  report: REPORT,
  lab: LAB,
  demo: DEMO,
} as const;

export type CommandName = keyof typeof COMMANDS;

/** Each command's flags, in the order its help lists them: for what reads them all (tests, completion). */
export const COMMAND_FLAGS = Object.fromEntries(Object.entries(COMMANDS).map(([name, spec]) => [name, spec.flags])) as {
  [C in CommandName]: (typeof COMMANDS)[C]['flags'];
};
