import type { DasEvent } from '../decode/types.js';
import { parseDasInstant } from './das-time.js';
import { fieldText } from './field-text.js';

/**
 * `show --from` / `--until` on saved events. Both ends are kept, as a live read keeps them: Kinesis
 * starts AT_TIMESTAMP with the records that arrived at that time, and a read stops only at records
 * that arrived after --until.
 */
export interface TimeWindow {
  from?: Date;
  until?: Date;
}

/** `untimed`: neither logTime nor startTime is a time, so the event cannot be placed in the window. */
export type WindowPlace = 'inside' | 'outside' | 'untimed';

export type WindowTest = (event: DasEvent) => WindowPlace;

/** The test the window asks for, or undefined when it names neither end: then every event is inside. */
export function compileTimeWindow(window: TimeWindow): WindowTest | undefined {
  const from = window.from?.getTime();
  const until = window.until?.getTime();
  if (from === undefined && until === undefined) return undefined;
  return (event) => {
    const instant = eventInstant(event);
    if (!instant) return 'untimed';
    const at = instant.moment.getTime();
    if (from !== undefined && at < from) return 'outside';
    if (until !== undefined && (at > until || (at === until && instant.pastMillisecond))) return 'outside';
    return 'inside';
  };
}

/** When DAS logged the event, else when its statement started: the first of them that is a time. */
function eventInstant(event: DasEvent) {
  return parseDasInstant(fieldText(event.logTime)) ?? parseDasInstant(fieldText(event.startTime));
}
