import type { DasEvent, DecodedRecord } from '../../decode/types.js';
import type { Detector } from '../../detect/detector.js';
import type { Finding, SeenEvent } from '../../detect/finding.js';
import type { EventFilter } from '../../events/filter.js';
import { redactEvent } from '../../events/redact.js';
import type { WindowTest } from '../../events/time-window.js';
import type { EventFormatter } from '../../format/event-formatter.js';
import { eventId } from '../../format/ndjson.js';
import { timeOf, timeOfText } from '../../report/aggregate/event-time.js';
import type { ReportBuilder } from '../../report/report-builder.js';
import { SavedRecord } from '../../saved/saved-record.js';

export interface ReportWriterOptions {
  detector: Detector;
  /** The user's filters: they choose the events reported, never the heartbeats (coverage is the trail's, not the filter's). */
  filter?: EventFilter;
  /** The window, in the events' own time: an event or heartbeat outside is not reported; an event with no time is (counted as untimed). */
  window?: WindowTest;
  redact: boolean;
  /** The report an event (or a heartbeat, or a finding) of this time goes to: one, or one a day. */
  builderFor: (time: number | null) => ReportBuilder;
  /** One report a day (--incremental): only then does an event's own time choose its report; the builder reads it anyway. */
  daily: boolean;
}

/**
 * The report in the place of a form: each record's events go into the report instead of being
 * written, so a read or `show` carries a report as it carries events, with the same positions,
 * policies and signals. A record is taken whole or not at all: everything it adds is worked out
 * first, and only then added.
 */
export class ReportWriter {
  constructor(private readonly options: ReportWriterOptions) {}

  /** For a read: the ids -o ndjson gives the record's events. */
  live(): EventFormatter {
    return this.#form((record, index) => ({ eventId: eventId(record, index), clusterId: record.clusterId, instanceId: record.instanceId }));
  }

  /** For saved lines: the ids das-read wrote beside each event; a line without an eventId is named by its place. */
  saved(): EventFormatter {
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
    return this.#form((record, index) => {
      const event = record.events[index] as DasEvent;
      const place = record instanceof SavedRecord ? record.place : '';
      return {
        eventId: text(event.eventId) ?? place,
        clusterId: text(event.clusterId) ?? record.clusterId,
        instanceId: text(event.instanceId) ?? record.instanceId,
      };
    });
  }

  #form(ids: (record: DecodedRecord, index: number) => Omit<SeenEvent, 'event' | 'shown'>): EventFormatter {
    const { filter, window, redact, detector, builderFor, daily } = this.options;
    return {
      write: (_out, record, kept) => {
        const beats: Array<{ instanceId: string | null; clusterId: string | null; time: number | null }> = [];
        const seen: Array<{ event: SeenEvent; time: number | null }> = [];
        for (const index of kept) {
          const event = record.events[index] as DasEvent;
          if (record.isHeartbeat(index)) {
            const time = timeOf(event);
            // The filters never choose heartbeats, but the window does: a beat outside it is not a sign of the window's trail.
            if (window?.(event) === 'outside') continue;
            const { instanceId, clusterId } = ids(record, index);
            beats.push({ instanceId, clusterId, time });
            continue;
          }
          if ((filter && !filter(event)) || window?.(event) === 'outside') continue;
          seen.push({ event: { event, ...(redact ? { shown: redactEvent(event) } : {}), ...ids(record, index) }, time: daily ? timeOf(event) : null });
        }
        const found: Finding[] = [];
        for (const { event } of seen) found.push(...detector.observe(event));
        for (const beat of beats) builderFor(beat.time).heartbeat(beat.instanceId, beat.clusterId, beat.time);
        for (const { event, time } of seen) builderFor(time).add(event);
        for (const finding of found) this.#found(finding);
      },
      end: () => {
        for (const finding of detector.end()) this.#found(finding);
      },
    };
  }

  #found(finding: Finding): void {
    this.options.builderFor(timeOfText(finding.first)).addFinding(finding);
  }
}
