import type { DasEvent, DecodedRecord } from '../decode/types.js';

/**
 * One saved line seen as a record of one event, so that `show` writes it with the same formatter
 * protocol as the live read. Its ids are the ones das-read wrote into the line; its JSON is the line
 * as saved, which plain ndjson writes back unchanged.
 */
export class SavedRecord implements DecodedRecord {
  readonly shardId = '';
  readonly sequenceNumber = '';
  readonly version = '';
  readonly eventCount = 1;
  readonly clusterId: string | null;
  readonly instanceId: string | null;
  readonly events: DasEvent[];
  readonly #line: string;

  /**
   * @param place where the line is (`FILE:LINE`), for what names an event that carries no eventId
   */
  constructor(
    line: string,
    event: DasEvent,
    readonly place = '',
  ) {
    // A file saved on Windows ends its lines in CR LF: the CR is not the event's.
    this.#line = line.endsWith('\r') ? line.slice(0, -1) : line;
    this.events = [event];
    this.clusterId = idOf(event.clusterId);
    this.instanceId = idOf(event.instanceId);
  }

  eventJson(index: number): string {
    this.#only(index);
    return this.#line;
  }

  eventBytes(index: number): Uint8Array {
    return Buffer.from(this.eventJson(index));
  }

  isHeartbeat(index: number): boolean {
    this.#only(index);
    return this.events[0]?.type === 'heartbeat';
  }

  /** The ids in a saved line are the ones das-read added: the event carries them as fields. */
  carriesIdField(index: number): boolean {
    this.#only(index);
    return true;
  }

  #only(index: number): void {
    if (index !== 0) throw new RangeError(`a saved line has one event, not an event ${index}`);
  }
}

function idOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
