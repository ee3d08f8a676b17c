import { readCommand } from '../commands/read.js';
import { startActivityStream, stopActivityStream, waitForStatus } from '../commands/stream-control.js';
import { ExitCode } from '../errors.js';
import { LAB_CREDENTIALS } from '../lab/lab.js';
import { LAB_CLUSTER, LAB_KEY_ALIAS, startLabSession, type LabSession } from '../lab/lab-session.js';
import { colorLevel, makeChalk } from '../output/color.js';
import { eventFormatter } from '../output/event-format.js';
import type { Flags } from './program.js';
import type { ActionContext } from './action-context.js';
import { parsePositiveInteger } from './time-spec.js';
import { toReadOptions } from './read-options.js';
import { postgresSource } from './postgres-source.js';
import { pathAssignment } from './own-bin.js';

/** `das-read lab`: the services on loopback until Ctrl-C, then nothing left behind. */
export async function labAction(flags: Flags, context: ActionContext): Promise<number> {
  const port = parsePositiveInteger('--port', String(flags.port ?? '4566'), 65_535);
  const rate = parsePositiveInteger('--rate', String(flags.rate ?? '10'), 10_000);
  const log = context.log({ verbose: true, debug: flags.debug === true });
  const session = await startLabSession({
    nodePath: context.nodePath,
    port,
    transactionsPerSecond: rate,
    onError: (error) => log.warn(`the lab could not put records: ${(error as Error).message}`),
    ...(flags.postgres === true ? { source: postgresSource(log, rate) } : {}),
  });
  try {
    const { stderr, stdout } = context.io;
    stderr.write(
      `das-read lab: Kinesis, KMS and RDS on ${session.lab.endpoint}, with cluster ${LAB_CLUSTER} (aurora-postgresql) and key ${LAB_KEY_ALIAS}.\n` +
        `Load: ${flags.postgres === true ? 'pgbench against a real PostgreSQL, audited by pgaudit' : `simulated pgbench, ${rate} transactions a second`}.\n` +
        'In another terminal:\n',
    );
    const path = pathAssignment(context.io.env);
    stdout.write(`${session.exportLine}${path === undefined ? '' : ` ${path}`}\n`);
    stderr.write(
      `  das-read start --cluster ${LAB_CLUSTER} --kms-key ${LAB_KEY_ALIAS} --apply-immediately --wait\n` +
        `  das-read --cluster ${LAB_CLUSTER}\n` +
        `  das-read stop --cluster ${LAB_CLUSTER} --apply-immediately --yes\n` +
        'Ctrl-C stops the lab and everything it started.\n',
    );
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) resolve();
      context.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await session.close();
  }
  return ExitCode.ok;
}

/** `npm run demo`: every step of the workshop, shown as the commands a user would type. */
export async function demoAction(flags: Flags, context: ActionContext): Promise<number> {
  const seconds = parsePositiveInteger('--seconds', String(flags.seconds ?? '12'), 3_600);
  const { io } = context;
  const log = context.log({ verbose: true, debug: flags.debug === true });
  const say = (line: string) => io.stderr.write(`${makeChalk(colorLevel('auto', io.stderrIsTTY, io.env)).bold(line)}\n`);
  say('Starting the lab: Kinesis, KMS and RDS on this machine, an Aurora PostgreSQL cluster under pgbench load.');
  let session: LabSession | undefined;
  try {
    session = await startLabSession({
      nodePath: context.nodePath,
      port: 0,
      transitionMs: 1_500,
      onError: (error) => log.warn(`the lab could not put records: ${(error as Error).message}`),
      ...(flags.postgres === true ? { source: postgresSource(log, 10) } : {}),
    });
    const aws = { endpointUrl: session.lab.endpoint, region: session.lab.region, labCredentials: LAB_CREDENTIALS };
    const ref = { kind: 'cluster' as const, identifier: LAB_CLUSTER };
    await context.withClients(aws, async (clients) => {
      say(`\n$ das-read start --cluster ${LAB_CLUSTER} --kms-key ${LAB_KEY_ALIAS} --apply-immediately --wait`);
      await startActivityStream(clients.rds, { ref, kmsKey: LAB_KEY_ALIAS, mode: 'async', applyImmediately: true, engineNativeAuditFields: false }, context.signal);
      const started = await waitForStatus(clients.rds, ref, 'started', { timeoutMs: 30_000, pollMs: 500, now: Date.now, signal: context.signal });
      io.stderr.write(`activity stream started: ${started.streamName}\n`);

      say(`\n$ das-read --cluster ${LAB_CLUSTER}      (for ${seconds} seconds)`);
      const chalk = makeChalk(colorLevel('auto', io.stdoutIsTTY, io.env));
      // A timer of our own, not AbortSignal.timeout(): on Node 20 a timeout signal held only by
      // AbortSignal.any() is garbage-collected with its timer, and the window never closed.
      const window = new AbortController();
      const closeWindow = () => window.abort();
      const timer = setTimeout(closeWindow, seconds * 1000);
      context.signal.addEventListener('abort', closeWindow, { once: true });
      // The options `das-read --cluster auroralab-postgres-cluster` would get, aimed at the lab.
      const options = { ...toReadOptions({ cluster: LAB_CLUSTER }, io.stdoutIsTTY, context.now()), aws };
      try {
        await readCommand(options, {
          clients,
          stdout: io.stdout,
          format: eventFormatter(options.output, chalk),
          log,
          signal: window.signal,
          now: context.now,
          lockOwner: context.lockOwner,
        });
      } finally {
        clearTimeout(timer);
        context.signal.removeEventListener('abort', closeWindow);
      }
      if (context.signal.aborted) return;
      say(`\n$ das-read stop --cluster ${LAB_CLUSTER} --apply-immediately --yes --wait`);
      await stopActivityStream(clients.rds, ref, true, context.signal);
      await waitForStatus(clients.rds, ref, 'stopped', { timeoutMs: 30_000, pollMs: 500, now: Date.now, signal: context.signal });
      io.stderr.write('activity stream stopped; its Kinesis stream is deleted.\n');
    });
  } finally {
    await session?.close();
  }
  // Without das-read on PATH this runs from a checkout (npm run demo): npm starts the lab there.
  const lab = pathAssignment(io.env) === undefined ? 'das-read lab' : 'npm run lab';
  say(`\nThe lab is stopped. Next: \`${lab}\` keeps it running and prints the line that lets you type these commands in another terminal; the README shows the same steps on AWS.`);
  return context.interrupted() ?? ExitCode.ok;
}
