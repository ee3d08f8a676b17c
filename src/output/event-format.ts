import type { ChalkInstance } from 'chalk';
import type { EventFormatter } from '../commands/batch-writer.js';
import type { DasEvent } from '../decode/types.js';
import { formatNdjson } from './ndjson.js';
import { formatPretty } from './pretty.js';

/** The formatter `-o` names; only pretty parses the events back into objects. */
export function eventFormatter(output: 'ndjson' | 'pretty', chalk: ChalkInstance): EventFormatter {
  if (output === 'ndjson') return formatNdjson;
  return (record, index) => formatPretty(record.events[index] as DasEvent, record, chalk);
}
