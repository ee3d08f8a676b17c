import type { DasEvent, DecodedRecord } from '../decode/types.js';
import type { EventFilter } from './filter.js';

/** Whether an event is written: heartbeats unless asked for, then the filters. --tail counts by the same rule. */
export function keeps(options: { includeHeartbeats: boolean; filter?: EventFilter }): (record: DecodedRecord, index: number) => boolean {
  const { includeHeartbeats, filter } = options;
  return (record, index) => (includeHeartbeats || !record.isHeartbeat(index)) && (!filter || filter(record.events[index] as DasEvent));
}
