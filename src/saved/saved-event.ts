import { nestedDeeperThan } from '../decode/json-object.js';
import { MAX_EVENT_DEPTH } from '../decode/record-limits.js';
import type { DasEvent } from '../decode/types.js';

/**
 * Deeper than this, a saved event is not rebuilt (redacted, indented, mapped to OCSF): writing it
 * again walks it recursively (JSON.stringify), and V8's stack ends a few thousand levels down. The
 * live read's own bound, so that every line a live read wrote is one show can rebuild.
 */
export const MAX_REBUILT_DEPTH: number = MAX_EVENT_DEPTH;

/**
 * The fields of a Database Activity Streams event (AWS's list, for every engine), and the three
 * das-read adds. A saved line is an event when its object has at least one: `type` alone would
 * refuse das-read's own output narrowed by --fields, and engines add fields of their own.
 */
const EVENT_FIELDS: ReadonlySet<string> = new Set([
  'type',
  'class',
  'clientApplication',
  'command',
  'commandText',
  'databaseName',
  'dbProtocol',
  'dbUserName',
  'endTime',
  'engineNativeAuditFields',
  'errorMessage',
  'exitCode',
  'logTime',
  'netProtocol',
  'objectName',
  'objectType',
  'paramList',
  'pid',
  'remoteHost',
  'remotePort',
  'rowCount',
  'serverHost',
  'serverType',
  'serverVersion',
  'serviceName',
  'sessionId',
  'startTime',
  'statementId',
  'substatementId',
  'transactionId',
  'clusterId',
  'instanceId',
  'eventId',
]);

/** Whether a parsed object is an event: at least one field an activity event has (see EVENT_FIELDS). */
export function hasEventField(value: object): boolean {
  for (const key in value) if (Object.hasOwn(value, key) && EVENT_FIELDS.has(key)) return true;
  return false;
}

/**
 * The event a saved line holds, or what is wrong with the line. The reason never quotes the
 * line (it may hold a password a statement carried): it says what kind of JSON error, and where.
 * `maxDepth`: for a line that will be rebuilt, nesting past it is a problem of its own.
 */
export function savedEventOf(text: string, maxDepth?: number): { event: DasEvent; problem?: undefined } | { event?: undefined; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON: ${jsonErrorOf(error, text)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'not an event: a JSON value that is not an object' };
  if (!hasEventField(value)) return { problem: 'not an event: a JSON object with none of the fields an activity event has (type, logTime, commandText…)' };
  // Each level costs two characters, an opening and a closing one: a short line cannot be too deep, and is not walked.
  if (maxDepth !== undefined && text.length > 2 * maxDepth && nestedDeeperThan(value, maxDepth))
    return { problem: `nested deeper than ${maxDepth} levels: not rebuilt in this form (shown as saved without --redact, -o or --fields)` };
  return { event: value as DasEvent };
}

/**
 * V8's SyntaxError in words that quote nothing of the text: its fixed phrases with their position
 * (as a byte of the line), and for the phrases that quote the text, only what kind of error it is.
 */
function jsonErrorOf(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  const placed = /^([A-Za-z ,':{}[\]-]+?(?: after JSON)?) (?:in JSON )?at position (\d+)/.exec(message);
  if (placed) return `${placed[1]}, at byte ${Buffer.byteLength(text.slice(0, Number(placed[2])))} of the line`;
  if (/^Unexpected end of JSON input/.test(message)) return 'the line ends inside a value';
  if (/^Unexpected token/.test(message)) return 'an unexpected character';
  return 'not valid JSON';
}
