import { AWS, DATABASE, TRANSITION, type CommandSpec } from '../../cmdutil/flags.js';

export const STATUS = {
  name: 'status',
  description: 'show the activity stream of a cluster or instance',
  flags: [...DATABASE, ...AWS, 'statusOutput', 'debug'],
} as const satisfies CommandSpec;

export const START = {
  name: 'start',
  description: 'start the activity stream of a cluster or instance',
  flags: [...DATABASE, ...AWS, ...TRANSITION, 'kmsKey', 'mode', 'engineNativeAuditFields'],
  wording: { applyImmediately: 'start now rather than in the next maintenance window', wait: 'wait until the stream is started' },
} as const satisfies CommandSpec;

export const STOP = {
  name: 'stop',
  description: 'stop the activity stream: deletes its Kinesis stream and any unread events',
  flags: [...DATABASE, ...AWS, ...TRANSITION, 'yes'],
  wording: { applyImmediately: 'stop now rather than in the next maintenance window', wait: 'wait until the stream is stopped' },
} as const satisfies CommandSpec;
