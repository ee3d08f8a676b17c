import { carriesIdField, eventText, type OpenedRecord } from './activity-record.js';
import type { DasEvent, DecodedRecord } from './types.js';
import type { RecordPosition } from '../errors.js';

/** A decoded record whose events stay UTF-8 JSON until something needs them as strings or objects. */
export class DecodedActivityRecord implements DecodedRecord {
  /** Where the record sits: the raw record itself, so its position is carried once. */
  readonly at: RecordPosition;
  readonly version: string;
  readonly clusterId: string | null;
  readonly instanceId: string | null;
  readonly #text: Buffer;
  readonly #ends: number[];
  readonly #heartbeats: number[];
  readonly #ownIds: number[];
  #events: DasEvent[] | undefined;

  constructor(at: RecordPosition, version: string, opened: OpenedRecord) {
    this.at = at;
    this.version = version;
    this.clusterId = opened.clusterId;
    this.instanceId = opened.instanceId;
    // From a decryption thread the text arrives as a plain Uint8Array: the same bytes, seen as a Buffer.
    this.#text = Buffer.from(opened.text.buffer, opened.text.byteOffset, opened.text.byteLength);
    this.#ends = opened.ends;
    this.#heartbeats = opened.heartbeats;
    this.#ownIds = opened.ownIds;
  }

  /** A record made from event objects, as a test or another program has them. */
  static of(place: RecordPosition & { version: string; clusterId: string | null; instanceId: string | null }, events: DasEvent[]): DecodedActivityRecord {
    const places = (test: (event: DasEvent) => boolean) => events.flatMap((event, index) => (test(event) ? [index] : []));
    const text = eventText(events.map((event) => JSON.stringify(event)));
    return new DecodedActivityRecord({ shardId: place.shardId, sequenceNumber: place.sequenceNumber }, place.version, {
      clusterId: place.clusterId,
      instanceId: place.instanceId,
      ...text,
      heartbeats: places((event) => event.type === 'heartbeat'),
      ownIds: places(carriesIdField),
    });
  }

  get shardId(): string {
    return this.at.shardId;
  }

  get sequenceNumber(): string {
    return this.at.sequenceNumber;
  }

  get eventCount(): number {
    return this.#ends.length;
  }

  eventJson(index: number): string {
    const [start, end] = this.#span(index);
    return this.#text.toString('utf8', start, end);
  }

  eventBytes(index: number): Uint8Array {
    const [start, end] = this.#span(index);
    return this.#text.subarray(start, end);
  }

  isHeartbeat(index: number): boolean {
    return this.#heartbeats.includes(index);
  }

  carriesIdField(index: number): boolean {
    return this.#ownIds.includes(index);
  }

  get events(): DasEvent[] {
    this.#events ??= this.#ends.map((_, index) => JSON.parse(this.eventJson(index)) as DasEvent);
    return this.#events;
  }

  #span(index: number): [number, number] {
    const end = this.#ends[index];
    if (end === undefined) throw new RangeError(`the record has no event ${index}`);
    return [index === 0 ? 0 : (this.#ends[index - 1] as number), end];
  }
}
