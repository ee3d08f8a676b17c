import { carriesIdField, type OpenedRecord } from './activity-record.js';
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
  readonly #ownIds: number[];
  #events: DasEvent[] | undefined;

  constructor(place: RecordPlace, opened: OpenedRecord) {
    this.shardId = place.shardId;
    this.sequenceNumber = place.sequenceNumber;
    this.version = place.version;
    this.clusterId = opened.clusterId;
    this.instanceId = opened.instanceId;
    this.#texts = opened.events;
    this.#heartbeats = opened.heartbeats;
    this.#ownIds = opened.ownIds;
  }

  /** A record made from event objects, as a test or another program has them. */
  static of(place: RecordPlace & { clusterId: string | null; instanceId: string | null }, events: DasEvent[]): DecodedActivityRecord {
    const places = (test: (event: DasEvent) => boolean) => events.flatMap((event, index) => (test(event) ? [index] : []));
    const texts = events.map((event) => JSON.stringify(event));
    return new DecodedActivityRecord(place, { clusterId: place.clusterId, instanceId: place.instanceId, events: texts, heartbeats: places((event) => event.type === 'heartbeat'), ownIds: places(carriesIdField) });
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

  carriesIdField(index: number): boolean {
    return this.#ownIds.includes(index);
  }

  get events(): DasEvent[] {
    this.#events ??= this.#texts.map((text) => JSON.parse(text) as DasEvent);
    return this.#events;
  }
}
