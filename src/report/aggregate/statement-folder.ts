import type { DasEvent } from '../../decode/types.js';
import { fieldText } from '../../events/field-text.js';
import { engineNamed, redactSql, type Engine } from '../../events/redact.js';
import { RecentCache } from './recent-cache.js';

/** Statements longer than this are folded every time: the redactor's own cache keeps none longer, and its read limit is far beyond. */
const MAX_KEYED = 4 * 1024;
const CACHED = 4_096;
/** Characters each cache holds (twice this at most): a few MB whatever the statements' lengths. */
const CACHED_CHARS = 512 * 1024;
const ENGINE_NAMES = 64;

/**
 * Statements with their literals folded to ? (as --summary folds them), whitespace collapsed. Folding lexes
 * (PostgreSQL's lexer is WebAssembly, tens of µs a statement), so each text is folded once while it is among the
 * last few thousand seen, and statements that differ only in their numbers (`WHERE aid = 4711`) or in the text of
 * their plain '…' strings share one folding through a pre-key (see preKeyOf). `prepareRedaction()` must have
 * been awaited before the first fold.
 */
export class StatementFolder {
  readonly #byText = new Map<Engine | '', RecentCache>();
  readonly #byPreKey = new Map<Engine | '', RecentCache>();
  readonly #engines = new Map<string, Engine | undefined>();
  /** The last event's serverType and dbProtocol, and their engine: a stream's events are all of one. */
  #lastType: unknown = undefined;
  #lastProtocol: unknown = undefined;
  #lastEngine: Engine | undefined = undefined;

  /** The event's statement folded, or '' when it has none. */
  fold(event: DasEvent): string {
    const text = event.commandText;
    if (typeof text !== 'string') return this.foldText(fieldText(text).trim(), this.#engineOf(event));
    return this.foldText(text.trim(), this.#engineOf(event));
  }

  foldText(sql: string, engine: Engine | undefined): string {
    if (sql === '') return '';
    if (sql.length > MAX_KEYED) return foldNow(sql, engine);
    const byText = cacheOf(this.#byText, engine ?? '');
    const known = byText.get(sql);
    if (known !== undefined) return known;
    const preKey = preKeyOf(sql);
    if (preKey === undefined) {
      const folded = foldNow(sql, engine);
      byText.set(sql, folded);
      return folded;
    }
    const byPreKey = cacheOf(this.#byPreKey, engine ?? '');
    const shared = byPreKey.get(preKey);
    if (shared !== undefined) return shared;
    const folded = foldNow(sql, engine);
    byPreKey.set(preKey, folded);
    byText.set(sql, folded);
    return folded;
  }

  /** engineOf(event), remembered per serverType and dbProtocol: four regular expressions an event add up. */
  #engineOf(event: DasEvent): Engine | undefined {
    if (event.serverType === this.#lastType && event.dbProtocol === this.#lastProtocol && typeof this.#lastType === 'string') return this.#lastEngine;
    const engine = this.#engineNamed(event);
    this.#lastType = event.serverType;
    this.#lastProtocol = event.dbProtocol;
    this.#lastEngine = engine;
    return engine;
  }

  #engineNamed(event: DasEvent): Engine | undefined {
    const type = fieldText(event.serverType);
    const protocol = fieldText(event.dbProtocol);
    const key = `${type}\u0000${protocol}`;
    if (this.#engines.has(key)) return this.#engines.get(key);
    const engine = engineNamed(type) ?? engineNamed(protocol);
    if (this.#engines.size < ENGINE_NAMES) this.#engines.set(key, engine);
    return engine;
  }
}

function cacheOf(caches: Map<Engine | '', RecentCache>, engine: Engine | ''): RecentCache {
  let cache = caches.get(engine);
  if (!cache) caches.set(engine, (cache = new RecentCache(CACHED, CACHED_CHARS)));
  return cache;
}

/** The folding itself: as EventTally (--summary) does it. */
export function foldNow(sql: string, engine: Engine | undefined): string {
  return redactSql(sql, engine).replace(/\s+/g, ' ');
}

const isWordChar = (code: number) => (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a) || code === 0x5f || code >= 0x80;
const isDigit = (code: number) => code >= 0x30 && code <= 0x39;
/** A run of digits at `at` starts a number: nothing of a name before it (`t1`, `t.1`), though `1.5`'s 5 does. */
function standsAlone(sql: string, at: number, numberEnd: number): boolean {
  if (at === 0) return true;
  const before = sql.charCodeAt(at - 1);
  if (isWordChar(before)) return false;
  if (before !== 0x2e) return true;
  return at - 1 === numberEnd || at < 2 || !isWordChar(sql.charCodeAt(at - 2));
}

/** Outside strings, a statement keyed by its shape has only these: no quotes of other kinds, no comments, no binds, no variables. */
const PLAIN = /^[A-Za-z0-9_\s,.()=<>*+\-;']*$/;

/**
 * A key that statements folding alike share, or undefined when the statement is not of the plain kind this is proven
 * for. In a statement of letters, digits, white space, `, . ( ) = < > * + - ;` and '…' strings (no comment, no
 * backslash, no prefix against a quote), every dialect's lexer reads a run of digits that stands alone as a number,
 * and a '…' string as a string, whatever their contents; the folding writes ? for each. So a run of digits is keyed
 * as 0 and a string as '', and statements with equal keys fold to the same text (test/unit/report-builder.test.ts
 * checks it against the folding itself).
 */
export function preKeyOf(sql: string): string | undefined {
  if (!PLAIN.test(sql) || sql.includes('--')) return undefined;
  let key = '';
  let from = 0;
  let at = 0;
  /** Where the last run of digits keyed as a number ended: `1.5` is one number, `t.5` may be a name. */
  let numberEnd = -1;
  const length = sql.length;
  while (at < length) {
    const code = sql.charCodeAt(at);
    if (code === 0x27) {
      // A string: its text (with '' for a quote) is folded whatever it is; a prefix against it (N'', E'', q'[') is not keyed.
      if (at > 0 && isWordChar(sql.charCodeAt(at - 1))) return undefined;
      let end = at + 1;
      for (;;) {
        const close = sql.indexOf("'", end);
        if (close === -1) return undefined;
        if (sql.charCodeAt(close + 1) === 0x27) end = close + 2;
        else {
          end = close + 1;
          break;
        }
      }
      if (sql.slice(at, end).includes('\\')) return undefined;
      key += `${sql.slice(from, at)}''`;
      from = at = end;
      if (at < length && isWordChar(sql.charCodeAt(at))) return undefined;
    } else if (isDigit(code) && standsAlone(sql, at, numberEnd)) {
      let end = at + 1;
      while (end < length && isDigit(sql.charCodeAt(end))) end++;
      const next = end < length ? sql.charCodeAt(end) : 0;
      if (isWordChar(next) || next === 0x27) {
        at = end;
        continue;
      }
      key += `${sql.slice(from, at)}0`;
      from = at = numberEnd = end;
    } else at++;
  }
  return key + sql.slice(from);
}
