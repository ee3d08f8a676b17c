import type { DasEvent, DecodedRecord } from '../../decode/types.js';
import type { Detector } from '../../detect/detector.js';
import type { Finding, SeenEvent } from '../../detect/finding.js';
import { FindingTally } from '../../detect/finding-tally.js';
import { redactEvent } from '../../events/redact.js';
import type { EventFormatter } from '../../format/event-formatter.js';
import { eventId } from '../../format/ndjson.js';
import { SavedRecord } from '../../saved/saved-record.js';

/**
 * The detector in the place of a form: each event kept is seen by the rules, and what they find is
 * the text written, where a read or `show` writes events. So a finding is out before the position
 * past its events is saved, as an event is; a record (or a line) whose findings cannot be written
 * is that record's problem, under the same policy, and its findings are not counted.
 */
export class FindingWriter {
  readonly tally = new FindingTally();
  /** Events the rules saw. */
  events = 0;

  constructor(
    readonly detector: Detector,
    private readonly form: (finding: Finding) => string,
  ) {}

  /** For a read: the record's kept events as sent (shown redacted if asked), with their ids as -o ndjson gives them. */
  live(options: { redact: boolean }): EventFormatter {
    return this.#form(options, (record, index) => ({ eventId: eventId(record, index), clusterId: record.clusterId, instanceId: record.instanceId }));
  }

  /**
   * For saved lines, each a record of one event: the ids das-read wrote beside the event are the
   * record's, not the event's fields (as -o ocsf reads them); a line without an eventId is named by its place.
   * The event keeps them: the rules do not see them (EventView).
   */
  saved(options: { redact: boolean }): EventFormatter {
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
    return this.#form(options, (record, index) => {
      const event = record.events[index] as DasEvent;
      const place = record instanceof SavedRecord ? record.place : '';
      return { eventId: text(event.eventId) ?? place, clusterId: text(event.clusterId), instanceId: text(event.instanceId) };
    });
  }

  /** The rules over a record's kept events, each named by `ids`; its findings written whole, or none of them. */
  #form(options: { redact: boolean }, ids: (record: DecodedRecord, index: number) => Omit<SeenEvent, 'event' | 'shown'>): EventFormatter {
    return {
      write: (out, record, kept) => {
        const texts: string[] = [];
        const found: Finding[] = [];
        for (const index of kept) {
          const event = record.events[index] as DasEvent;
          const seen: SeenEvent = { event, ...(options.redact ? { shown: redactEvent(event) } : {}), ...ids(record, index) };
          this.events++;
          for (const finding of this.detector.observe(seen)) {
            texts.push(this.form(finding));
            found.push(finding);
          }
        }
        for (const text of texts) out.append(text);
        for (const finding of found) this.tally.add(finding);
      },
      end: (out) => out.append(this.#ending()),
    };
  }

  #ending(): string {
    const found = this.detector.end();
    const written = found.map(this.form).join('');
    for (const finding of found) this.tally.add(finding);
    return written;
  }
}
