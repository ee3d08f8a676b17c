import { parseDasTime } from '../../events/das-time.js';

/** Distinct seconds (with their zone) remembered: a stream's events come a few thousand a second at most. */
const SECONDS = 4_096;

/**
 * parseDasTime's moment in milliseconds, or null, the same for every text: the second and zone of
 * `2019-10-30 00:39:49.990579+00` are read once (by parseDasTime itself) and remembered, the milliseconds added.
 * Reading each time cost more than the rest of the report's work per event.
 */
export class FastTime {
  #seconds = new Map<string, number | null>();
  #older = new Map<string, number | null>();
  /** The last text's second and zone, and their moment: events come many to a second. */
  #lastPrefix = '';
  #lastZone = '';
  #lastSecond: number | null = null;

  parse(text: string): number | null {
    // The fixed shape `YYYY-MM-DD?HH:MM:SS`, then an optional .fraction: anything else is read in full.
    if (text.length < 19 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a || !isDigit(text.charCodeAt(0)))
      return full(text);
    let end = 19;
    let millis = 0;
    if (text.charCodeAt(19) === 0x2e) {
      end = 20;
      while (end < text.length && isDigit(text.charCodeAt(end))) {
        if (end < 23) millis = millis * 10 + (text.charCodeAt(end) - 0x30);
        end++;
      }
      const digits = end - 20;
      if (digits === 0 || digits > 9) return full(text);
      for (let pad = digits; pad < 3; pad++) millis *= 10;
    }
    if (this.#lastPrefix !== '' && text.length - end === this.#lastZone.length && text.startsWith(this.#lastPrefix) && text.endsWith(this.#lastZone)) {
      return this.#lastSecond === null ? null : this.#lastSecond + millis;
    }
    const key = end === 19 ? text : text.slice(0, 19) + text.slice(end);
    let second = this.#seconds.get(key);
    if (second === undefined) {
      second = this.#older.get(key);
      if (second === undefined) second = full(key);
      if (this.#seconds.size >= SECONDS) {
        this.#older = this.#seconds;
        this.#seconds = new Map();
      }
      this.#seconds.set(key, second);
    }
    this.#lastPrefix = text.slice(0, 19);
    this.#lastZone = text.slice(end);
    this.#lastSecond = second;
    return second === null ? null : second + millis;
  }
}

const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

function full(text: string): number | null {
  const moment = parseDasTime(text);
  return moment === undefined ? null : moment.getTime();
}
