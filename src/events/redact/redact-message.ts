import { PLACEHOLDER } from './redact-sql.js';

/**
 * Where each engine's messages quote back the values they failed on. Each value runs, greedily,
 * to the words that close the template, so a quote inside the value cannot end it early.
 */
const TEMPLATES: RegExp[] = [
  // PostgreSQL
  /(Key \((?:[^()]|\([^()]*\))*\)=\()([\s\S]*)(\) (?:already exists|is not present in table|is still referenced from table|conflicts with existing key))/g,
  /(Failing row contains \()([\s\S]*)(\))/g,
  /(invalid input (?:syntax|value) for (?:type |enum )?[^:"]*: ")([\s\S]*)(")/g,
  /(value ")([\s\S]*)(" is out of range)/g,
  /(malformed [\w ]+ literal: ")([\s\S]*)(")/g,
  // MySQL
  /(Duplicate entry ')([\s\S]*)(' for key)/g,
  /(Incorrect [\w ]+ value: ')([\s\S]*)(' for (?:column|function))/g,
  /(Truncated incorrect [\w ]+ value: ')([\s\S]*)(')/g,
  // SQL Server
  /(The duplicate key value is \()([\s\S]*)(\)\.?)/g,
  /(converting the [\w ]+ value ')([\s\S]*)(' to data type)/g,
  /(Truncated value: ')([\s\S]*)(')/g,
  // Oracle
  /(string value containing ')([\s\S]*)(' to a number)/g,
];

/** A quoted name after one of these words is a name (`constraint "u_email"`, `for key 't.k'`), and is kept. */
const NAMES = new Set(
  'relation table column constraint index key schema database role user type function procedure sequence view trigger extension object field operator domain collation tablespace server login principal statistics policy publication subscription cursor portal savepoint parameter module package owner column(s) in on into'.split(' '),
);

/**
 * An error message keeps its words and loses the values it quotes: those of the known templates,
 * every quoted text not named as a name by the word before it (a value nobody foresaw is hidden,
 * not shown), and any of the statement's own values and bind values quoted back elsewhere.
 */
export function redactMessage(message: string, echoes: readonly string[]): string {
  let out = message;
  for (const template of TEMPLATES) out = out.replace(template, (_, before: string, _value: string, after: string) => `${before}${PLACEHOLDER}${after}`);
  out = hideQuotedValues(out);
  return hideEchoes(out, echoes);
}

function hideQuotedValues(message: string): string {
  let out = '';
  let at = 0;
  let keptName = false;
  for (;;) {
    // An apostrophe inside a word (doesn't) opens nothing.
    const open = /(?<![A-Za-z])'|'(?![A-Za-z])|"/.exec(message.slice(at));
    if (!open) return out + message.slice(at);
    const start = at + open.index;
    const quote = open[0];
    const end = message.indexOf(quote, start + 1);
    const before = message.slice(at, start);
    out += before;
    // An unclosed quote: what follows may all be its value.
    if (end === -1) return out + PLACEHOLDER;
    const word = /([A-Za-z_()]+)\s*$/.exec(out)?.[1]?.toLowerCase() ?? '';
    // "S"."T"."C": a name's parts after the first are names too.
    const continues: boolean = keptName && before === '.';
    const value = message.slice(start + 1, end);
    const isName: boolean = (NAMES.has(word) || continues) && value !== PLACEHOLDER;
    out += isName ? message.slice(start, end + 1) : `${quote}${PLACEHOLDER}${quote}`;
    keptName = isName;
    at = end + 1;
  }
}

/** Values shorter than this are not hunted through free text: "1" would take every digit with it. The templates hold the short ones. */
const SHORTEST_ECHO = 3;

export function hideEchoes(text: string, echoes: readonly string[]): string {
  let out = text;
  for (const echo of [...new Set(echoes)].filter((value) => value.length >= SHORTEST_ECHO).sort((a, b) => b.length - a.length)) {
    if (out.includes(echo)) out = out.split(echo).join(PLACEHOLDER);
  }
  return out;
}
