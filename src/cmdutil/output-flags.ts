import { UsageError } from '../errors.js';
import type { OutputFormat } from '../format/event-format.js';
import type { ColorChoice } from '../terminal/color.js';
import { filterOf } from './filter-flags.js';
import { FLAGS, type FlagValues, type SHOWING } from './flags.js';
import { oneOf } from './one-of.js';

const OUTPUTS: readonly OutputFormat[] = FLAGS.output.values;
const COLORS: readonly ColorChoice[] = FLAGS.color.values;

/** The form, the filters, redaction and the layout: a read's and `show`'s alike. */
export function showingOf(flags: FlagValues<(typeof SHOWING)[number]>, stdoutIsTTY: boolean) {
  const output = oneOf('--output', flags.output ?? (stdoutIsTTY ? 'pretty' : 'ndjson'), OUTPUTS);
  if (output === 'ocsf' && flags.fields)
    throw new UsageError('--fields does not go with -o ocsf', 'An OCSF event keeps the attributes its schema requires; pick fields with jq instead.');
  if (output === 'ocsf' && flags.includeHeartbeats)
    throw new UsageError('--include-heartbeats does not go with -o ocsf', 'A heartbeat is no database activity: OCSF has no event for it.');
  return {
    output,
    includeHeartbeats: flags.includeHeartbeats ?? false,
    filter: filterOf(flags),
    redact: flags.redact ?? false,
    utc: flags.utc ?? false,
    wide: flags.wide ?? false,
    ...fieldsOf(flags.fields),
    color: oneOf('--color', flags.color ?? 'auto', COLORS),
  };
}

function fieldsOf(list: string | undefined): { fields?: string[] } {
  if (list === undefined) return {};
  const fields = list
    .split(',')
    .map((field) => field.trim())
    .filter(Boolean);
  if (fields.length === 0) throw new UsageError('--fields names no field', 'For example: --fields logTime,dbUserName,commandText');
  return { fields };
}
