import type { DecodedRecord } from '../decode/types.js';
import { Utf8Builder } from './utf8-builder.js';

/**
 * Every output form. Given a record's kept events at once (their places in it, in order), a
 * form can write the record whole (json), or make what its events share once (ndjson's ids),
 * with nothing carried from one record to the next. A throw leaves in `out` what was written
 * before it: the caller gives each record a builder of its own and drops it then.
 */
export interface EventFormatter {
  write(out: Utf8Builder, record: DecodedRecord, kept: readonly number[]): void;
  /** At the end of the input, what a form held back (detect's correlations still pending): written after the last record. */
  end?(out: Utf8Builder): void;
}

/** A form that writes each event as a piece of text of its own. */
export function eachEvent(text: (record: DecodedRecord, index: number) => string): EventFormatter {
  return {
    write(out, record, kept) {
      for (const index of kept) out.append(text(record, index));
    },
  };
}

/** What a form writes for these events of a record, as a string. */
export function formatted(format: EventFormatter, record: DecodedRecord, kept: readonly number[]): string {
  const out = new Utf8Builder();
  format.write(out, record, kept);
  return Buffer.concat(out.take()).toString('utf8');
}
