// One field's test: its values and Sigma's value modifiers, compiled into a closure over an event view.
import { BlockList, isIP, isIPv4 } from 'node:net';
import { analyse } from 'scslre';
import type { EventView } from '../event-view.js';
import type { RuleNode } from './rule-yaml.js';
import { shown } from './shown.js';
import { WILDCARD, globTest, wildcardTokens } from './wildcard.js';

export type Test = (view: EventView) => boolean;

/** What a value is compared by; at most one of these a field. */
const KINDS = ['contains', 'startswith', 'endswith', 're', 'cidr', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;
type Kind = (typeof KINDS)[number] | 'equals';
const RE_FLAGS = new Set(['i', 'm', 's']);

/** What a test costs, roughly, so that a map of fields tries its cheap tests first. */
const COST: Record<Kind, number> = { exists: 0, equals: 1, startswith: 2, endswith: 2, gt: 2, gte: 2, lt: 2, lte: 2, contains: 3, re: 4, cidr: 5 };

/** `field|mod|mod: values` as a test: the values are alternatives (all of them with `all`). */
export function fieldTest(key: string, keyNode: RuleNode, valueNode: RuleNode): { test: Test; cost: number } {
  const [field = '', ...modifiers] = key.split('|');
  if (field === '') throw keyNode.refuse(`a field name is missing before ${shown(key)}`);
  let kind: Kind = 'equals';
  let all = false;
  let cased = false;
  let flags = '';
  for (const modifier of modifiers) {
    if ((KINDS as readonly string[]).includes(modifier)) {
      if (kind !== 'equals') throw keyNode.refuse(`the modifiers ${kind} and ${shown(modifier)} cannot be used together`);
      kind = modifier as Kind;
    } else if (modifier === 'all') all = true;
    else if (modifier === 'cased') cased = true;
    else if (RE_FLAGS.has(modifier)) {
      if (kind !== 're') throw keyNode.refuse(`the modifier ${modifier} is only for a regular expression (re|${modifier})`);
      flags += flags.includes(modifier) ? '' : modifier;
    } else throw keyNode.refuse(`the modifier ${shown(modifier)} is not supported`);
  }
  if (cased && kind !== 'equals' && kind !== 'contains' && kind !== 'startswith' && kind !== 'endswith')
    throw keyNode.refuse(`the modifier cased does not apply to ${kind}`);
  const values = valueNode.items(`the values of ${shown(key)}`);
  if (values.length === 0) throw valueNode.refuse(`${shown(key)} has an empty list of values, which matches nothing`);
  if (kind === 'exists' && values.length !== 1) throw valueNode.refuse('exists takes one value, true or false');
  const tests = values.map((value) => valueTest(field, kind, cased, flags, value));
  const cost = COST[kind];
  if (tests.length === 1) return { test: tests[0] as Test, cost };
  return { test: all ? (view) => tests.every((test) => test(view)) : (view) => tests.some((test) => test(view)), cost };
}

function valueTest(field: string, kind: Kind, cased: boolean, flags: string, node: RuleNode): Test {
  const value = node.scalar(`a value of ${shown(field)}`);
  if (value === null) {
    // Sigma's null: the field is missing or empty of value.
    if (kind !== 'equals') throw node.refuse(`null cannot be used with the modifier ${kind}`);
    return (view) => view.value(field) == null;
  }
  switch (kind) {
    case 'exists': {
      if (typeof value !== 'boolean') throw node.refuse('exists takes true or false');
      return (view) => (view.value(field) != null) === value;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return numberTest(field, kind, node, value);
    case 're':
      return regexTest(field, flags, node, value);
    case 'cidr':
      return cidrTest(field, node, value);
    default:
      return textTest(field, kind, cased, String(value));
  }
}

/** A plain value (with its wildcards) compared with each of the field's texts, case-insensitively unless cased. */
export function textTest(field: string, kind: Kind, cased: boolean, value: string): Test {
  const tokens = wildcardTokens(value).map((token) => (typeof token === 'string' && !cased ? token.toLowerCase() : token));
  if (kind === 'contains' || kind === 'endswith') tokens.unshift(WILDCARD.STAR);
  if (kind === 'contains' || kind === 'startswith') tokens.push(WILDCARD.STAR);
  const test = globTest(tokens);
  if (cased) return (view) => anyText(view.fieldTexts(field), test);
  return (view) => anyText(view.lowerTexts(field), test);
}

function anyText(texts: readonly string[], test: (text: string) => boolean): boolean {
  for (let at = 0; at < texts.length; at++) if (test(texts[at] as string)) return true;
  return false;
}

function numberTest(field: string, kind: 'gt' | 'gte' | 'lt' | 'lte', node: RuleNode, value: string | number | boolean): Test {
  const bound = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(bound)) throw node.refuse(`${kind} takes a number, not ${shown(String(value))}`);
  const holds =
    kind === 'gt'
      ? (n: number) => n > bound
      : kind === 'gte'
        ? (n: number) => n >= bound
        : kind === 'lt'
          ? (n: number) => n < bound
          : (n: number) => n <= bound;
  return (view) => {
    const own = view.value(field);
    if (typeof own === 'number') return holds(own);
    // A number the event writes as text ("rowCount": "12"); text that is no number compares with nothing.
    return view.fieldTexts(field).some((text) => text.trim() !== '' && Number.isFinite(Number(text)) && holds(Number(text)));
  };
}

/** A leading `(?i)`, `(?s)`, `(?m)` or a combination (SigmaHQ writes them, PCRE-style): JavaScript takes them as flags. */
const LEADING_FLAGS = /^\(\?([ims]+)\)/;
/** An inline flag group anywhere (`(?i)`, `(?-i:…)`): this Node's RegExp has none. */
const INLINE_FLAGS = /\(\?[a-zA-Z]*-?[a-zA-Z]+[:)]/;

function regexTest(field: string, flags: string, node: RuleNode, value: string | number | boolean): Test {
  if (typeof value !== 'string') throw node.refuse('re takes a regular expression as text');
  let source = value;
  const leading = LEADING_FLAGS.exec(source);
  if (leading) {
    for (const flag of leading[1] as string) if (!flags.includes(flag)) flags += flag;
    source = source.slice(leading[0].length);
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, flags);
  } catch (error) {
    if (INLINE_FLAGS.test(source))
      throw node.refuse(
        `the regular expression ${shown(value)} sets flags inside the pattern: only a leading (?i), (?s), (?m) or a combination such as (?is) is taken (or write re|i, re|s, re|m)`,
      );
    throw node.refuse(`the regular expression ${shown(value)} is not one JavaScript reads: ${shown((error as Error).message)}`);
  }
  // A rule's regex runs over SQL a database client wrote: one that backtracks exponentially would let that client
  // stall detection (the event loop, and with it every signal) on a short statement. Polynomial ones are let through.
  const exponential = analyse(pattern, { reportTypes: { Move: false } }).reports.find((report) => report.exponential);
  if (exponential)
    throw node.refuse(
      `the regular expression ${shown(value)} can take exponential time on some input (${exponential.type === 'Self' ? 'nested repetition' : 'two repetitions that can match the same text'}): rewrite it without a repetition inside a repetition`,
    );
  // Statements repeat (a prepared statement, an application's few queries): a text's answer is kept, for the
  // texts short enough to be such statements, a bounded number of them, forgotten all at once when full.
  const answers = new Map<string, boolean>();
  const matches = (text: string) => {
    if (text.length > MAX_REMEMBERED_TEXT) return pattern.test(text);
    let answer = answers.get(text);
    if (answer === undefined) {
      answer = pattern.test(text);
      if (answers.size >= MAX_REMEMBERED_ANSWERS) answers.clear();
      answers.set(text, answer);
    }
    return answer;
  };
  return (view) => anyText(view.fieldTexts(field), matches);
}

const MAX_REMEMBERED_TEXT = 4096;
const MAX_REMEMBERED_ANSWERS = 512;

function cidrTest(field: string, node: RuleNode, value: string | number | boolean): Test {
  const text = String(value);
  const slash = text.lastIndexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(address);
  const maximum = family === 6 ? 128 : 32;
  const prefix = slash < 0 ? maximum : /^\d{1,3}$/.test(text.slice(slash + 1)) ? Number(text.slice(slash + 1)) : NaN;
  if (family === 0 || !(prefix >= 0 && prefix <= maximum)) throw node.refuse(`cidr takes a network such as 10.0.0.0/8 or fd00::/8, not ${shown(text)}`);
  const list = new BlockList();
  list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  // Clients come back: an address's answer is kept (a bounded number of them), BlockList.check being costly.
  const known = new Map<string, boolean>();
  const inside = (candidate: string) => {
    let answer = known.get(candidate);
    if (answer === undefined) {
      // An IPv4 client seen through an IPv6 socket (::ffff:10.1.2.3) is that IPv4 address.
      const plain = candidate.toLowerCase().startsWith('::ffff:') && isIPv4(candidate.slice(7)) ? candidate.slice(7) : candidate;
      const kind = isIP(plain);
      answer = kind !== 0 && list.check(plain, kind === 6 ? 'ipv6' : 'ipv4');
      if (known.size >= MAX_KNOWN_ADDRESSES) known.clear();
      known.set(candidate, answer);
    }
    return answer;
  };
  return (view) => anyText(view.fieldTexts(field), inside);
}

const MAX_KNOWN_ADDRESSES = 4096;
