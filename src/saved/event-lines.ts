import { openSaved, type SavedInput } from './saved-input.js';
import { contentOf, LineCutter, type SavedLine } from './saved-lines.js';
import { hasEventField } from './saved-event.js';

/** Events already decrypted: das-read's own output (each with its eventId), or events another tool decrypted. */
export type EventLines = 'das-read' | 'decrypted';

/** Keys of the things decode reads (a record's wrapper, Firehose's error record, a dead letter) and of a whole decrypted record: none of them is one event. */
const NOT_AN_EVENT = ['databaseActivityEvents', 'key', 'rawData', 'data', 'databaseActivityEventList'];

/** The command that reads events from `name`, as a shell takes it back (the file quoted when it must be). */
export function showCommand(name: string): string {
  if (name === 'standard input') return 'das-read show';
  return `das-read show ${/^[\w@%+=:,./-]+$/.test(name) ? name : `'${name.replaceAll("'", `'\\''`)}'`}`;
}

/** Whether a line is an event already decrypted, and whose. */
export function eventLineKind(text: string): EventLines | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if (typeof (value as { eventId?: unknown }).eventId === 'string') return 'das-read';
  if (NOT_AN_EVENT.some((key) => Object.hasOwn(value, key))) return undefined;
  return hasEventField(value) ? 'decrypted' : undefined;
}

/**
 * What the input's first line that is not blank holds, when it is an event (gzip'd or not); undefined
 * for anything else, an input that cannot be read included. At most `maxBytes` are read, so a file of
 * records back to back with no newline is not read whole.
 */
export async function firstLineKind(input: SavedInput, maxBytes: number, signal?: AbortSignal): Promise<EventLines | undefined> {
  let source;
  try {
    source = await openSaved(input, signal);
  } catch {
    return undefined;
  }
  try {
    const { content } = await contentOf(source);
    const cutter = new LineCutter(maxBytes);
    let read = 0;
    for await (const chunk of content) {
      for (const line of cutter.push(chunk)) if (!isBlank(line)) return kindOf(line);
      read += chunk.length;
      if (read > maxBytes) return undefined;
    }
    for (const line of cutter.finish()) if (!isBlank(line)) return kindOf(line);
    return undefined;
  } catch {
    return undefined;
  } finally {
    source.destroy();
  }
}

const isBlank = (line: SavedLine) => line.text !== undefined && line.text.trim() === '';
const kindOf = (line: SavedLine) => (line.text === undefined ? undefined : eventLineKind(line.text));
