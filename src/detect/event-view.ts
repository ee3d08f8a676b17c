// One event as the rules read it: each field's text worked out once, however many rules ask for it.
import type { DasEvent } from '../decode/types.js';
import { engineOf, type Engine } from '../events/redact.js';

const NONE: readonly string[] = [];
/** Deeper than any DAS event nests; keyword search stops there rather than follow a hostile shape down. */
const MAX_DEPTH = 16;
/**
 * The ids das-read writes beside a saved event (-o ndjson): the record's and the event's place, not
 * what the database did. A saved line's event still carries them (copying ~30 fields away from three
 * cost more than the rules did); no rule sees them, as a field or as a keyword.
 */
const DAS_READ_IDS = new Set(['clusterId', 'instanceId', 'eventId']);

/**
 * A field's texts are its value as Sigma compares it: a string as it is, a number or boolean written
 * out, each item of a list; null, a missing field and an object have none. One view is reused for every
 * event (reset), so that matching allocates only the texts a rule asks for.
 */
export class EventView {
  event: DasEvent = { type: 'record' };
  private readonly texts = new Map<string, readonly string[]>();
  private readonly lowers = new Map<string, readonly string[]>();
  private keywordTexts: readonly string[] | undefined;
  private engineKnown = false;
  private engineValue: Engine | undefined;

  reset(event: DasEvent): this {
    this.event = event;
    this.texts.clear();
    this.lowers.clear();
    this.keywordTexts = undefined;
    this.engineKnown = false;
    return this;
  }

  /** The engine the event names (serverType, else dbProtocol). */
  get engine(): Engine | undefined {
    if (!this.engineKnown) {
      this.engineValue = engineOf(this.event);
      this.engineKnown = true;
    }
    return this.engineValue;
  }

  /** The field's value: a name of the event's own, else a dotted path (engineNativeAuditFields.OBJECT_NAME). */
  value(field: string): unknown {
    if (DAS_READ_IDS.has(field)) return undefined;
    const own = Object.hasOwn(this.event, field) ? this.event[field] : undefined;
    if (own !== undefined || !field.includes('.')) return own;
    let at: unknown = this.event;
    for (const step of field.split('.')) {
      if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, step)) return undefined;
      at = (at as Record<string, unknown>)[step];
    }
    return at;
  }

  fieldTexts(field: string): readonly string[] {
    let texts = this.texts.get(field);
    if (texts === undefined) {
      texts = textsOf(this.value(field));
      this.texts.set(field, texts);
    }
    return texts;
  }

  lowerTexts(field: string): readonly string[] {
    let lowers = this.lowers.get(field);
    if (lowers === undefined) {
      const texts = this.fieldTexts(field);
      lowers = texts.length === 1 ? [(texts[0] as string).toLowerCase()] : texts.map((text) => text.toLowerCase());
      this.lowers.set(field, lowers);
    }
    return lowers;
  }

  /** Every string anywhere in the event, lowercased: what Sigma's keyword lists search. */
  keywordLowers(): readonly string[] {
    if (this.keywordTexts === undefined) {
      const found: string[] = [];
      for (const [field, value] of Object.entries(this.event)) if (!DAS_READ_IDS.has(field)) collectStrings(value, found, 1);
      this.keywordTexts = found;
    }
    return this.keywordTexts;
  }
}

function textsOf(value: unknown): readonly string[] {
  switch (typeof value) {
    case 'string':
      return [value];
    case 'number':
    case 'boolean':
    case 'bigint':
      return [String(value)];
    case 'object':
      if (Array.isArray(value)) return value.flatMap((item) => (item === null || typeof item === 'object' ? NONE : textsOf(item)));
      return NONE;
    default:
      return NONE;
  }
}

function collectStrings(value: unknown, into: string[], depth: number): void {
  if (typeof value === 'string') into.push(value.toLowerCase());
  else if (typeof value === 'object' && value !== null && depth < MAX_DEPTH) {
    for (const item of Array.isArray(value) ? value : Object.values(value)) collectStrings(item, into, depth + 1);
  }
}
