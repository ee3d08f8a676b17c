import type { LabCredentials } from '../../aws/clients.js';
import type { DEMO, LAB } from './lab-command.js';
import { startActivityStream, stopActivityStream, waitForStatus } from '../../aws/activity-stream.js';
import { ExitCode } from '../../errors.js';
import type { FlagsOf, FlagValues } from '../../cmdutil/flags.js';
import type { ActionContext } from '../../cmdutil/action-context.js';
import { parsePositiveInteger } from '../../cmdutil/time-spec.js';
import { dasReadOnPath, isOwnBin, pathAssignment } from './own-bin.js';
import { loadLab } from './lab-loader.js';
import { askLabToAttack, attackLine, attackScenarios } from './lab-attack.js';
import { sleep } from '../../sleep.js';

/** `das-read lab`: the services on loopback until Ctrl-C, then nothing left behind. */
export async function labAction(flags: FlagsOf<typeof LAB>, context: ActionContext): Promise<number> {
  const rate = parsePositiveInteger('--rate', flags.rate ?? '10', 10_000);
  // An attack goes to the lab the shell was pointed at (its export line), unless --port says which.
  if (flags.attack !== undefined)
    return attackAction(flags.attack, parsePositiveInteger('--port', flags.port ?? labPortOf(context.io.env) ?? '4566', 65_535), context);
  const port = parsePositiveInteger('--port', flags.port ?? '4566', 65_535);
  const lab = await loadLab();
  const log = context.log({ verbose: true, debug: flags.debug === true });
  const session = await lab.startLabSession({
    nodePath: context.nodePath,
    port,
    transactionsPerSecond: rate,
    onError: (error) => log.warn(`the lab could not put records: ${(error as Error).message}`),
    ...(flags.postgres === true ? { source: lab.postgresSource((line) => log.info(line), rate) } : {}),
  });
  try {
    const { stderr, stdout } = context.io;
    stderr.write(
      `das-read lab: Kinesis, KMS and RDS on ${session.lab.endpoint}, with cluster ${lab.LAB_CLUSTER} (aurora-postgresql) and key ${lab.LAB_KEY_ALIAS}.\n` +
        `Load: ${flags.postgres === true ? 'pgbench against a real PostgreSQL, audited by pgaudit' : `simulated pgbench, ${rate} transactions a second`}.\n` +
        'In another terminal:\n',
    );
    const path = pathAssignment(context.io.env);
    stdout.write(`${session.exportLine}${path === undefined ? '' : ` ${path}`}\n`);
    const installed = dasReadOnPath(context.io.env);
    if (installed !== undefined && !isOwnBin(installed)) stderr.write(`(these run the das-read your PATH finds, ${installed}, not this one)\n`);
    stderr.write(
      `  das-read start --cluster ${lab.LAB_CLUSTER} --kms-key ${lab.LAB_KEY_ALIAS} --apply-immediately --wait\n` +
        `  das-read --cluster ${lab.LAB_CLUSTER}\n` +
        `  das-read lab --attack failed-login-burst${port === 4566 ? '' : ` --port ${port}`}   # or another scenario, or all: das-read lab --help\n` +
        `  das-read detect --cluster ${lab.LAB_CLUSTER} --no-follow      # the built-in rules over what the stream holds\n` +
        `  das-read stop --cluster ${lab.LAB_CLUSTER} --apply-immediately --yes\n` +
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

/** `das-read lab --attack SCENARIO`: the running lab makes it happen; a line a scenario says what it did. */
async function attackAction(name: string, port: number, context: ActionContext): Promise<number> {
  const scenarios = attackScenarios(name);
  for (const scenario of scenarios) {
    context.io.stdout.write(`${attackLine(await askLabToAttack(port, scenario, context.signal))}\n`);
  }
  // The lab plays each scenario out in the time its line says: a detect run before then sees part of it.
  const log = context.log({ verbose: true });
  log.info('its statements reach the stream over the time each line says: run `das-read detect` once they have.');
  if (scenarios.includes('new-source')) log.info('new-source is reported only once the rule has watched a day of the stream: not in a fresh lab.');
  return ExitCode.ok;
}

/** `npm run demo`: every step of the workshop, shown as the commands a user would type. */
/** The read `demo` runs against the lab: das-read's own, handed in by the program, for commands do not reach into each other. */
export type ReadAction = (flags: FlagValues<'cluster' | 'endpointUrl' | 'region'>, context: ActionContext) => Promise<number>;

/** The detect `demo` ends with, handed in as the read is. */
export type DetectAction = (
  flags: FlagValues<'cluster' | 'endpointUrl' | 'region' | 'follow'> & { files: string[] },
  context: ActionContext,
) => Promise<number>;

export async function demoAction(
  flags: FlagsOf<typeof DEMO>,
  context: ActionContext,
  { readAction, detectAction }: { readAction: ReadAction; detectAction: DetectAction },
): Promise<number> {
  const seconds = parsePositiveInteger('--seconds', flags.seconds ?? '12', 3_600);
  const lab = await loadLab();
  const { io } = context;
  const log = context.log({ verbose: true, debug: flags.debug === true });
  const bold = io.colorFor('stderr').bold;
  const say = (line: string) => io.stderr.write(`${bold(line)}\n`);
  say('Starting the lab: Kinesis, KMS and RDS on this machine, an Aurora PostgreSQL cluster under pgbench load.');
  const cluster = lab.LAB_CLUSTER;
  let read: number = ExitCode.ok;
  let detected: number = ExitCode.ok;
  let session: Awaited<ReturnType<typeof lab.startLabSession>> | undefined;
  try {
    session = await lab.startLabSession({
      nodePath: context.nodePath,
      port: 0,
      transitionMs: 1_500,
      onError: (error) => log.warn(`the lab could not put records: ${(error as Error).message}`),
      ...(flags.postgres === true ? { source: lab.postgresSource((line) => log.info(line), 10) } : {}),
    });
    const aws = { endpointUrl: session.lab.endpoint, region: session.lab.region };
    const ref = { kind: 'cluster' as const, identifier: cluster };
    await context.withClients(
      aws,
      async ({ rds }) => {
        say(`\n$ das-read start --cluster ${cluster} --kms-key ${lab.LAB_KEY_ALIAS} --apply-immediately --wait`);
        await startActivityStream(
          rds,
          { ref, kmsKey: lab.LAB_KEY_ALIAS, mode: 'async', applyImmediately: true, engineNativeAuditFields: false },
          context.signal,
        );
        const started = await waitForStatus(rds, ref, 'started', { timeoutMs: 30_000, pollMs: 500, now: Date.now, signal: context.signal });
        io.stderr.write(`activity stream started: ${started.streamName}\n`);

        say(`\n$ das-read --cluster ${cluster}      (for ${seconds} seconds)`);
        read = await readFor(readAction, seconds, { cluster, endpointUrl: aws.endpointUrl, region: aws.region }, context, lab.LAB_CREDENTIALS);
        if (context.signal.aborted) return;

        // The ending: an attack on the cluster, and the built-in rules catching it in what the stream holds.
        say('\n$ das-read lab --attack privilege-escalation');
        const attack = await session?.attack('privilege-escalation');
        if (attack) io.stderr.write(`${attackLine(attack)}\n`);
        // Its three statements come a second apart, and the lab puts what happened on the stream twice a second.
        await sleep(ATTACK_SETTLE_MS, context.signal);
        if (context.signal.aborted) return;
        say(`\n$ das-read detect --cluster ${cluster} --no-follow`);
        detected = await detectAction(
          { cluster, endpointUrl: aws.endpointUrl, region: aws.region, follow: false, files: [] },
          withLabClients(context, lab.LAB_CREDENTIALS),
        );
        if (context.signal.aborted) return;

        say(`\n$ das-read stop --cluster ${cluster} --apply-immediately --yes --wait`);
        await stopActivityStream(rds, ref, true, context.signal);
        await waitForStatus(rds, ref, 'stopped', { timeoutMs: 30_000, pollMs: 500, now: Date.now, signal: context.signal });
        io.stderr.write('activity stream stopped; its Kinesis stream is deleted.\n');
      },
      lab.LAB_CREDENTIALS,
    );
  } finally {
    await session?.close();
  }
  // Without das-read on PATH this runs from a checkout (npm run demo): npm starts the lab there.
  const next = pathAssignment(io.env) === undefined ? 'das-read lab' : 'npm run lab';
  say(
    `\nThe lab is stopped. Next: \`${next}\` keeps it running and prints the line that lets you type these commands in another terminal; docs/lab.md shows the same steps on AWS.`,
  );
  return context.interrupted() ?? (read === ExitCode.ok ? detected : read);
}

/** How long the demo lets the attack's statements reach the stream before detect reads it. */
const ATTACK_SETTLE_MS = 3_500;

/** The context, its clients signed with the lab's credentials. */
function withLabClients(context: ActionContext, labCredentials: LabCredentials): ActionContext {
  return { ...context, withClients: (aws, use) => context.withClients(aws, use, labCredentials) };
}

/** The read action itself, as `das-read --cluster …` runs it, for a window of `seconds`. */
async function readFor(
  readAction: ReadAction,
  seconds: number,
  flags: FlagValues<'cluster' | 'endpointUrl' | 'region'>,
  context: ActionContext,
  labCredentials: LabCredentials,
): Promise<number> {
  // A timer of our own, not AbortSignal.timeout(): on Node 20 a timeout signal held only by
  // AbortSignal.any() is garbage-collected with its timer, and the window never closed.
  const window = new AbortController();
  const closeWindow = () => window.abort();
  const timer = setTimeout(closeWindow, seconds * 1000);
  context.signal.addEventListener('abort', closeWindow, { once: true });
  try {
    return await readAction(flags, {
      ...context,
      signal: window.signal,
      withClients: (aws, use) => context.withClients(aws, use, labCredentials),
    });
  } finally {
    clearTimeout(timer);
    context.signal.removeEventListener('abort', closeWindow);
  }
}

/** The port of AWS_ENDPOINT_URL when it names this machine over http, as the lab's export line sets it. */
function labPortOf(env: Readonly<Record<string, string | undefined>>): string | undefined {
  try {
    const url = new URL(env.AWS_ENDPOINT_URL ?? '');
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && url.port !== '' ? url.port : undefined;
  } catch {
    return undefined;
  }
}
