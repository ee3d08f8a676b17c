import { PLACEHOLDER } from './redact-sql.js';

/**
 * Where each engine's messages quote back the values they failed on. Each value runs, greedily,
 * to the words that close the template, so a quote or a parenthesis inside the value cannot end
 * it early. Messages are capped (MAX_READ_MESSAGE) before these run: their cost stays bounded.
 */
const TEMPLATES: RegExp[] = [
  // PostgreSQL: Key (cols)=(values) …, the column list any expression, the first key to the last ending.
  /(\)=\()([\s\S]*)(\) (?:already exists|is duplicated|is not present in table|is still referenced from table|conflicts with (?:existing )?key))/,
  /(Failing row contains \()([\s\S]*)(\))/,
  /(invalid input (?:syntax|value) for (?:type |enum )?[^:"]*: ")([\s\S]*)(")/,
  /(value ")([\s\S]*)(" is out of range)/,
  /(malformed [\w ]+ literal: ")([\s\S]*)(")/,
  // MySQL
  /(Duplicate entry ')([\s\S]*)(' for key)/,
  /(Incorrect [\w ]+ value: ')([\s\S]*)(' for (?:column|function))/,
  /(Truncated incorrect [\w ]+ value: ')([\s\S]*)(')/,
  // SQL Server
  /(The duplicate key value is \()([\s\S]*)(\)\.?)/,
  /(converting the [\w ]+ value ')([\s\S]*)(' to data type)/,
  /(Truncated value: ')([\s\S]*)(')/,
  // Oracle
  /(string value containing ')([\s\S]*)(' to a number)/,
  /(column values \()([\s\S]*)(\) already exists)/,
  /(value )(\S+)( greater than specified precision)/,
];

/** Past this many characters a message is not read on: `?` for the rest. A client can raise an error of its own text. */
export const MAX_READ_MESSAGE = 8 * 1024;

/** A quoted name after one of these words is a name (`constraint "u_email"`, `for key 't.k'`), and is kept. */
const NAMES = new Set(
  'relation table column constraint index key schema database role user type function procedure sequence view trigger extension object field operator domain collation tablespace server login principal statistics policy publication subscription cursor portal savepoint parameter module package owner column(s) in on into at'.split(
    ' ',
  ),
);

/**
 * An error message keeps its words and loses the values it quotes: those of the known templates,
 * every quoted text not named as a name by the word before it (a value nobody foresaw is hidden,
 * not shown), and any of the statement's own values and bind values quoted back elsewhere.
 */
export function redactMessage(message: string, hide: (text: string) => string): string {
  const read = message.length > MAX_READ_MESSAGE ? message.slice(0, MAX_READ_MESSAGE) : message;
  let out = read;
  for (const template of TEMPLATES) out = out.replace(template, (_, before: string, _value: string, after: string) => `${before}${PLACEHOLDER}${after}`);
  // A second key quoted back after the first (… conflicts with existing key (a)=(…).) has no ending of its own: to the last parenthesis.
  out = out.replace(/(\)=\()(?!\?\))([\s\S]*)(\))/, (_, before: string, _value: string, after: string) => `${before}${PLACEHOLDER}${after}`);
  out = hideQuotedValues(out);
  return hide(out) + (read.length < message.length ? PLACEHOLDER : '');
}

/** An apostrophe inside a word (doesn't) opens nothing. */
const QUOTE = /(?<![A-Za-z])'|'(?![A-Za-z])|"/g;
const WORD_BEFORE = /([A-Za-z_()]+)\s*$/;

function hideQuotedValues(message: string): string {
  const parts: string[] = [];
  let at = 0;
  let keptName = false;
  QUOTE.lastIndex = 0;
  for (let open = QUOTE.exec(message); open; open = QUOTE.exec(message)) {
    const start = open.index;
    const quote = open[0];
    const end = message.indexOf(quote, start + 1);
    const before = message.slice(at, start);
    parts.push(before);
    // An unclosed quote: what follows may all be its value.
    if (end === -1) return parts.join('') + PLACEHOLDER;
    // The word before, from the last few characters only: the walk stays linear in the message.
    const word = WORD_BEFORE.exec(message.slice(Math.max(0, start - 40), start))?.[1]?.toLowerCase() ?? '';
    // "S"."T"."C": a name's parts after the first are names too.
    const continues: boolean = keptName && before === '.';
    const value = message.slice(start + 1, end);
    const isName: boolean = (NAMES.has(word) || continues) && value !== PLACEHOLDER;
    parts.push(isName ? message.slice(start, end + 1) : `${quote}${PLACEHOLDER}${quote}`);
    keptName = isName;
    at = end + 1;
    QUOTE.lastIndex = at;
  }
  return parts.join('') + message.slice(at);
}

/** Values shorter than this are not hunted through free text: "1" would take every digit with it. The templates hold the short ones. */
const SHORTEST_ECHO = 3;
/** More distinct values than this, and free text is hidden whole: hunting each through it would cost too much. */
const MOST_ECHOES = 1000;

/** What hides every echo of these values in a text, in any letter case: made once an event, used on each of its free texts. */
export function echoHider(echoes: readonly string[]): (text: string) => string {
  const hunted = [...new Set(echoes.filter((value) => value.length >= SHORTEST_ECHO))];
  if (hunted.length === 0) return (text) => text;
  if (hunted.length > MOST_ECHOES) return (text) => (text.length < SHORTEST_ECHO ? text : PLACEHOLDER);
  // Longest first: a value that holds another is taken whole. Made when first used: most events have no free text to hunt in.
  let pattern: RegExp | undefined;
  return (text) => {
    pattern ??= new RegExp(
      hunted
        .sort((a, b) => b.length - a.length)
        .map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'giu',
    );
    return text.replace(pattern, PLACEHOLDER);
  };
}
