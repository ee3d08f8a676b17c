import { ServiceError } from './service-error.js';
import type { XmlNode } from './xml.js';

/** The source types DescribeEvents knows (the SDK's SourceType enum). */
const SOURCE_TYPES = new Set([
  'db-instance',
  'db-parameter-group',
  'db-security-group',
  'db-snapshot',
  'db-cluster',
  'db-cluster-snapshot',
  'custom-engine-version',
  'db-proxy',
  'blue-green-deployment',
  'db-shard-group',
  'zero-etl',
]);

/** RDS keeps its events 14 days. */
export const RDS_EVENT_RETENTION_MS = 14 * 24 * 3_600_000;

export interface RecordedEvent {
  sourceType: string;
  sourceIdentifier: string;
  message: string;
  categories?: string[];
  sourceArn?: string;
  /** Epoch ms; default the lab's now. */
  date?: number;
}

interface StoredEvent extends RecordedEvent {
  date: number;
  /** Order of recording: ties in time keep it, and a marker points at one event. */
  seq: number;
}

/**
 * RDS's event log as DescribeEvents serves it: the window asked (StartTime, EndTime, Duration; the
 * last hour when no time is given), oldest first, 14 days at most, MaxRecords 20–100 a page with a Marker.
 */
export class RdsEvents {
  readonly #events: StoredEvent[] = [];
  #seq = 0;

  constructor(private readonly now: () => number) {}

  record(event: RecordedEvent & { date: number }): void {
    const stored: StoredEvent = { ...event, seq: this.#seq++ };
    // Kept in time order: an old event recorded late goes where its time puts it.
    let at = this.#events.length;
    while (at > 0 && (this.#events[at - 1]?.date ?? 0) > stored.date) at--;
    this.#events.splice(at, 0, stored);
  }

  describe(form: URLSearchParams): XmlNode {
    const now = this.now();
    const sourceType = form.get('SourceType');
    const sourceIdentifier = form.get('SourceIdentifier');
    if (sourceType !== null && !SOURCE_TYPES.has(sourceType)) {
      throw new ServiceError('InvalidParameterValue', `Invalid source type: ${sourceType}`);
    }
    if (sourceIdentifier !== null && sourceType === null) {
      throw new ServiceError('InvalidParameterCombination', 'If SourceIdentifier is supplied, SourceType must also be provided.');
    }
    const maxRecords = integer(form, 'MaxRecords') ?? 100;
    if (maxRecords < 20 || maxRecords > 100)
      throw new ServiceError('InvalidParameterValue', `Invalid value ${maxRecords} for MaxRecords. Must be between 20 and 100`);
    const { from, until } = windowOf(form, now);
    const categories = listOf(form, 'EventCategories');
    const marker = form.get('Marker');
    const start = marker === null ? undefined : parseMarker(marker);
    const oldest = now - RDS_EVENT_RETENTION_MS;
    const matching = this.#events.filter(
      (event) =>
        event.date >= oldest &&
        event.date >= from &&
        event.date <= until &&
        (sourceType === null || event.sourceType === sourceType) &&
        (sourceIdentifier === null || event.sourceIdentifier === sourceIdentifier) &&
        (categories.length === 0 || (event.categories ?? []).some((category) => categories.includes(category))) &&
        (start === undefined || event.date > start.date || (event.date === start.date && event.seq >= start.seq)),
    );
    const page = matching.slice(0, maxRecords);
    const next = matching[maxRecords];
    return {
      Events: { itemName: 'Event', items: page.map(eventXml) },
      Marker: next ? `${next.date}.${next.seq}` : undefined,
    };
  }
}

/**
 * The window asked: StartTime and EndTime as given; with only one of them, Duration minutes from (or
 * to) it, else from it to now (or from the oldest kept to it); with neither, the last Duration minutes (60).
 */
function windowOf(form: URLSearchParams, now: number): { from: number; until: number } {
  const startTime = time(form, 'StartTime');
  const endTime = time(form, 'EndTime');
  const duration = integer(form, 'Duration');
  if (duration !== undefined && duration < 0) throw new ServiceError('InvalidParameterValue', `Invalid value ${duration} for Duration.`);
  const span = duration === undefined ? undefined : duration * 60_000;
  if (startTime === undefined && endTime === undefined) return { from: now - (span ?? 3_600_000), until: now };
  const from = startTime ?? (span === undefined ? -Infinity : (endTime ?? now) - span);
  const until = endTime ?? (span === undefined ? now : from + span);
  if (from > until) throw new ServiceError('InvalidParameterCombination', 'StartTime must be before EndTime.');
  return { from, until };
}

function time(form: URLSearchParams, name: string): number | undefined {
  const text = form.get(name);
  if (text === null) return undefined;
  const value = Date.parse(text);
  if (Number.isNaN(value)) throw new ServiceError('InvalidParameterValue', `Invalid value ${text} for ${name}.`);
  return value;
}

function integer(form: URLSearchParams, name: string): number | undefined {
  const text = form.get(name);
  if (text === null) return undefined;
  if (!/^-?\d{1,10}$/.test(text)) throw new ServiceError('InvalidParameterValue', `Invalid value ${text} for ${name}.`);
  return Number(text);
}

/** A query-protocol list: `Name.EventCategory.1`, `Name.member.1`… in their numbered order. */
function listOf(form: URLSearchParams, name: string): string[] {
  const items: Array<[number, string]> = [];
  for (const [key, value] of form) {
    const index = new RegExp(`^${name}\\.[A-Za-z]+\\.(\\d+)$`).exec(key)?.[1];
    if (index !== undefined) items.push([Number(index), value]);
  }
  return items.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

function parseMarker(marker: string): { date: number; seq: number } {
  const match = /^(-?\d+)\.(\d+)$/.exec(marker);
  if (!match) throw new ServiceError('InvalidParameterValue', `Invalid marker: ${marker}`);
  return { date: Number(match[1]), seq: Number(match[2]) };
}

function eventXml(event: StoredEvent): XmlNode {
  return {
    SourceIdentifier: event.sourceIdentifier,
    SourceType: event.sourceType,
    Message: event.message,
    EventCategories: { itemName: 'EventCategory', items: event.categories ?? [] },
    Date: new Date(event.date).toISOString(),
    SourceArn: event.sourceArn,
  };
}
