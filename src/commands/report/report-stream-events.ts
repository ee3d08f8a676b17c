import type { ActionContext } from '../../cmdutil/action-context.js';
import type { StreamEvent } from '../../report/report-data.js';
import type { FedRun } from './feed-report.js';
import type { ReportOptions } from './report-flags.js';

/**
 * The activity stream's starts and stops in the window, as RDS recorded them. Never a reason to
 * fail the report: what could not be asked is said in the coverage section instead.
 */
export async function askStreamEvents(
  options: ReportOptions,
  run: FedRun,
  window: { from: number | null; until: number | null },
  context: ActionContext,
): Promise<{ events: StreamEvent[] | null; note: string | null }> {
  const database = options.source.database ?? databaseOfArn(run.target?.arn);
  if (!database)
    return {
      events: null,
      note:
        options.source.kind === 'saved'
          ? 'no database was named (--cluster or --instance): RDS was not asked when the activity stream started or stopped'
          : 'the stream was named directly (--stream-name): RDS was not asked when the activity stream started or stopped',
    };
  if (window.from === null || window.until === null) return { events: [], note: 'no event placed the window in time: RDS was not asked' };
  const { streamEventsFor } = await import('../../aws/stream-events.js');
  const { from, until } = window;
  try {
    // A day before the window too: whether the stream was running when the window began is its last start or stop before it.
    const asked = await context.withClients(options.aws, (clients) =>
      streamEventsFor({
        rds: clients.rds,
        kind: database.kind,
        identifier: identifierOf(database.name),
        from: from - DAY_MS,
        until,
        now: context.now().getTime(),
        signal: context.signal,
      }),
    );
    const before = asked.events.filter((event) => event.time < from && event.kind !== 'other').at(-1);
    return { ...asked, events: [...(before ? [before] : []), ...asked.events.filter((event) => event.time >= from)] };
  } catch (error) {
    // No credentials, no network: the report is still the events'.
    return { events: null, note: `RDS could not be asked when the activity stream started or stopped: ${(error as Error).message}` };
  }
}

const DAY_MS = 86_400_000;

/** DescribeEvents names a database by its identifier: the last part of an ARN. */
function identifierOf(name: string): string {
  const match = /^arn:[^:]+:rds:[^:]*:[^:]*:(?:cluster|db):(.+)$/.exec(name);
  return match?.[1] ?? name;
}

function databaseOfArn(arn: string | undefined): { kind: 'cluster' | 'instance'; name: string } | undefined {
  const match = arn === undefined ? null : /^arn:[^:]+:rds:[^:]*:[^:]*:(cluster|db):(.+)$/.exec(arn);
  if (!match) return undefined;
  return { kind: match[1] === 'cluster' ? 'cluster' : 'instance', name: match[2] as string };
}
