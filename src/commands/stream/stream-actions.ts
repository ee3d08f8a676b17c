import { formatStatus } from './stream-status.js';
import type { START, STATUS, STOP } from './stream-command.js';
import { describeDatabase, type ActivityStreamInfo } from '../../aws/resolve.js';
import type { RdsDatabase } from '../../aws/database-source.js';
import { startActivityStream, stopActivityStream, waitForStatus } from '../../aws/activity-stream.js';
import { ExitCode, UsageError } from '../../errors.js';
import { visible } from '../../terminal/visible.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import type { ActionContext } from '../../cmdutil/action-context.js';
import { rdsDatabaseOf } from './stream-flags.js';
import { startRequest, statusFormat, waitTimeout } from './stream-flags.js';
import type { RDSClient } from '@aws-sdk/client-rds';
import { awsOptionsOf } from '../../cmdutil/aws-flags.js';

export async function statusAction(flags: FlagsOf<typeof STATUS>, context: ActionContext): Promise<number> {
  const ref = rdsDatabaseOf(flags);
  const format = statusFormat(flags);
  const info = await context.withClients(awsOptionsOf(flags), (clients) => describeDatabase(clients.rds, ref, context.signal));
  context.io.stdout.write(formatStatus(info, format === 'json'));
  return ExitCode.ok;
}

export async function startAction(flags: FlagsOf<typeof START>, context: ActionContext): Promise<number> {
  const request = startRequest(flags);
  const timeoutMs = waitTimeout(flags);
  return context.withClients(awsOptionsOf(flags), async ({ rds }) => {
    const started = await startActivityStream(rds, request, context.signal);
    context.io.stdout.write(`${summary(started)}\n`);
    if (flags.wait === true) context.io.stdout.write(formatStatus(await waitFor(rds, request.ref, 'started', timeoutMs, context), false));
    return ExitCode.ok;
  });
}

export async function stopAction(flags: FlagsOf<typeof STOP>, context: ActionContext): Promise<number> {
  const ref = rdsDatabaseOf(flags);
  const timeoutMs = waitTimeout(flags);
  const { io } = context;
  return context.withClients(awsOptionsOf(flags), async ({ rds }) => {
    const info = await describeDatabase(rds, ref, context.signal);
    // Nothing to stop, nothing to delete: what the user wanted is so already, and a script running stop twice is not failing.
    const state = info.status ?? 'stopped';
    if (state === 'stopped' || state === 'stopping') {
      io.stdout.write(`activity stream of ${info.kind} ${info.identifier}: already ${state}\n`);
      if (state === 'stopping' && flags.wait === true) io.stdout.write(formatStatus(await waitFor(rds, ref, 'stopped', timeoutMs, context), false));
      return ExitCode.ok;
    }
    if (flags.yes !== true) {
      if (!io.stdinIsTTY) {
        throw new UsageError(
          'stopping deletes the Kinesis stream and every event not yet read: confirm with --yes',
          'Run it at a terminal to be asked, or pass --yes in scripts.',
        );
      }
      const question = `Stop the activity stream of ${info.kind} ${visible(info.identifier)}? This deletes ${visible(info.streamName ?? 'its Kinesis stream')} and every event not yet read.`;
      if (!(await io.confirm(question, context.signal))) {
        io.stderr.write(`${context.interrupted() === undefined ? '' : '\n'}das-read: not stopped\n`);
        return context.interrupted() ?? ExitCode.ok;
      }
    }
    const stopped = await stopActivityStream(rds, ref, flags.applyImmediately === true, context.signal);
    io.stdout.write(`${summary(stopped)}\n`);
    if (flags.wait === true) io.stdout.write(formatStatus(await waitFor(rds, ref, 'stopped', timeoutMs, context), false));
    return ExitCode.ok;
  });
}

async function waitFor(
  rds: RDSClient,
  ref: RdsDatabase,
  wanted: 'started' | 'stopped',
  timeoutMs: number,
  context: ActionContext,
): Promise<ActivityStreamInfo> {
  const spinner = context.io.spinner();
  try {
    return await waitForStatus(rds, ref, wanted, {
      timeoutMs,
      pollMs: 2_000,
      now: () => context.now().getTime(),
      signal: context.signal,
      onPoll: (status, waited) => spinner.update(`activity stream of ${ref.kind} ${ref.identifier}: ${status} (${Math.round(waited / 1000)} s)`),
    });
  } finally {
    spinner.stop();
  }
}

function summary(info: ActivityStreamInfo): string {
  const parts = [`activity stream of ${info.kind} ${info.identifier}: ${info.status ?? 'unknown'}`];
  if (info.mode) parts.push(`mode ${info.mode}`);
  if (info.streamName) parts.push(`stream ${info.streamName}`);
  return parts.join(', ');
}
