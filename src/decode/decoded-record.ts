import type { OpenedRecord } from './activity-record.js';
import type { DasEvent, DecodedRecord } from './types.js';

interface RecordPlace {
  shardId: string;
  sequenceNumber: string;
  version: string;
}

/** A decoded record whose events stay JSON text until something needs them as objects. */
export class DecodedActivityRecord implements DecodedRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly version: string;
  readonly clusterId: string | null;
  readonly instanceId: string | null;
  readonly #texts: string[];
  readonly #heartbeats: number[];
  #events: DasEvent[] | undefined;

  constructor(place: RecordPlace, opened: OpenedRecord) {
    this.shardId = place.shardId;
    this.sequenceNumber = place.sequenceNumber;
    this.version = place.version;
    this.clusterId = opened.clusterId;
    this.instanceId = opened.instanceId;
    this.#texts = opened.events;
    this.#heartbeats = opened.heartbeats;
  }

  /** A record made from event objects, as a test or another program has them. */
  static of(place: RecordPlace & { clusterId: string | null; instanceId: string | null }, events: DasEvent[]): DecodedActivityRecord {
    const heartbeats = events.flatMap((event, index) => (event.type === 'heartbeat' ? [index] : []));
    return new DecodedActivityRecord(place, { clusterId: place.clusterId, instanceId: place.instanceId, events: events.map((event) => JSON.stringify(event)), heartbeats });
  }

  get eventCount(): number {
    return this.#texts.length;
  }

  eventJson(index: number): string {
    const text = this.#texts[index];
    if (text === undefined) throw new RangeError(`the record has no event ${index}`);
    return text;
  }

  isHeartbeat(index: number): boolean {
    return this.#heartbeats.includes(index);
  }

  get events(): DasEvent[] {
    this.#events ??= this.#texts.map((text) => JSON.parse(text) as DasEvent);
    return this.#events;
  }
}
