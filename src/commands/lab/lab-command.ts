import type { CommandSpec } from '../../cmdutil/flags.js';

export const LAB = {
  name: 'lab',
  description: 'run Kinesis, KMS and RDS on this machine, with an Aurora PostgreSQL cluster under pgbench load: no AWS account',
  flags: ['port', 'postgres', 'rate', 'attack', 'debug'],
} as const satisfies CommandSpec;

export const DEMO = {
  name: 'demo',
  description: 'the lab in under a minute: start it, start the stream, read live events, stop everything',
  flags: ['seconds', 'postgres', 'debug'],
  wording: { postgres: 'use a real PostgreSQL with pgbench and pgaudit' },
} as const satisfies CommandSpec;
