import type { DasEvent } from '../../decode/types.js';
import { parseDasTime } from '../../events/das-time.js';
import { eventTimeText } from '../../detect/finding.js';

/** The event's moment (logTime, else startTime, as detect reads it), or null when it names none. */
export function timeOf(event: DasEvent): number | null {
  const text = eventTimeText(event);
  if (text === '') return null;
  const moment = parseDasTime(text);
  return moment === undefined ? null : moment.getTime();
}

/** A finding's first/last as written by its events: the same reading. */
export function timeOfText(text: string): number | null {
  const moment = text === '' ? undefined : parseDasTime(text);
  return moment === undefined ? null : moment.getTime();
}
