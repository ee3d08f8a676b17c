import { randomUUID } from 'node:crypto';
import { answerJson, ServiceError, type ServiceReply } from './service-error.js';

/** EventBridge's documented limits on PutEvents: entries a call, bytes an entry (and a call). */
export const EVENTBRIDGE_LIMITS = { entries: 10, entryBytes: 256 * 1024 } as const;

/** An event as a bus took it. */
export interface BusEvent {
  id: string;
  source: string;
  detailType: string;
  detail: unknown;
  resources: string[];
  time?: string;
}

export interface FailedEntry {
  ErrorCode: string;
  ErrorMessage: string;
}

/**
 * Amazon EventBridge's PutEvents over its JSON 1.1 protocol (X-Amz-Target: AWSEvents.PutEvents):
 * enough for the real SDK client to put events on a bus, have the entries EventBridge refuses
 * refused one by one (each entry's ErrorCode), and be told that a call is too large.
 */
export class LocalEventBridge {
  readonly #buses = new Map<string, BusEvent[]>([['default', []]]);
  /** PutEvents calls answered, and how many entries each carried. */
  readonly calls: number[] = [];
  /** Decides, for each well-formed entry of a call, whether it is refused anyway (as EventBridge refuses some under load). */
  refuse: (entry: Record<string, unknown>, place: number) => FailedEntry | undefined = () => undefined;

  constructor(private readonly options: { region: string; accountId: string }) {}

  createEventBus(name: string): void {
    if (this.#buses.has(name)) throw new ServiceError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
    this.#buses.set(name, []);
  }

  /** The events a bus took, in order. */
  events(bus = 'default'): BusEvent[] {
    return this.#buses.get(bus) ?? [];
  }

  handle(operation: string, body: Buffer): ServiceReply {
    return answerJson(body, (input) => {
      if (operation === 'PutEvents') return this.#putEvents(input);
      if (operation === 'CreateEventBus') {
        const name = String(input.Name ?? '');
        this.createEventBus(name);
        return { EventBusArn: this.#arn(name) };
      }
      throw new ServiceError('UnknownOperationException', `The lab's EventBridge does not serve ${operation}`);
    });
  }

  #arn(bus: string): string {
    return `arn:aws:events:${this.options.region}:${this.options.accountId}:event-bus/${bus}`;
  }

  #putEvents(input: Record<string, unknown>): unknown {
    const entries = Array.isArray(input.Entries) ? (input.Entries as unknown[]) : [];
    if (entries.length < 1 || entries.length > EVENTBRIDGE_LIMITS.entries)
      throw new ServiceError(
        'ValidationException',
        `1 validation error detected: Value '[...]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${EVENTBRIDGE_LIMITS.entries}`,
      );
    const total = entries.reduce<number>((sum, entry) => sum + entrySize(entry), 0);
    // A call's entries share the limit; a lone entry over it is refused as an entry.
    if (entries.length > 1 && total > EVENTBRIDGE_LIMITS.entryBytes)
      throw new ServiceError('ValidationException', `Total size of the entries in the request is over the limit.`);
    this.calls.push(entries.length);
    let failed = 0;
    const answers = entries.map((value, place) => {
      const entry = (value ?? {}) as Record<string, unknown>;
      const refusal = this.#refusal(entry, place);
      if (refusal) {
        failed++;
        return refusal;
      }
      const bus = this.#busName(entry.EventBusName);
      const id = randomUUID();
      this.#buses.get(bus)?.push({
        id,
        source: String(entry.Source),
        detailType: String(entry.DetailType),
        detail: JSON.parse(String(entry.Detail)) as unknown,
        resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
        ...(entry.Time !== undefined ? { time: new Date(Number(entry.Time) * 1000).toISOString() } : {}),
      });
      return { EventId: id };
    });
    return { FailedEntryCount: failed, Entries: answers };
  }

  /** An entry's problem, as EventBridge words it in the entry's answer. */
  #refusal(entry: Record<string, unknown>, place: number): FailedEntry | undefined {
    for (const name of ['Source', 'DetailType', 'Detail'] as const)
      if (typeof entry[name] !== 'string' || entry[name] === '') return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${name} is not valid.` };
    try {
      const detail = JSON.parse(String(entry.Detail)) as unknown;
      if (!detail || typeof detail !== 'object' || Array.isArray(detail)) throw new Error('not an object');
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (entrySize(entry) > EVENTBRIDGE_LIMITS.entryBytes) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Event size exceeds the limit of 256 KB.' };
    if (!this.#buses.has(this.#busName(entry.EventBusName)))
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${String(entry.EventBusName)} does not exist.` };
    return this.refuse(entry, place);
  }

  /** A bus named by name or ARN; none is the default bus. */
  #busName(value: unknown): string {
    const name = typeof value === 'string' && value !== '' ? value : 'default';
    return name.startsWith('arn:') ? name.slice(name.indexOf(':event-bus/') + ':event-bus/'.length) : name;
  }
}

/** An entry's size as EventBridge counts it: 14 bytes of Time, and the UTF-8 bytes of Source, DetailType, Detail and Resources. */
export function entrySize(value: unknown): number {
  const entry = (value ?? {}) as Record<string, unknown>;
  const bytes = (text: unknown) => (typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0);
  let size = entry.Time !== undefined ? 14 : 0;
  size += bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail);
  if (Array.isArray(entry.Resources)) for (const resource of entry.Resources) size += bytes(resource);
  return size;
}
