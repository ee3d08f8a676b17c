// Sigma's condition: identifiers joined by and / or / not, parentheses, `1 of x*`, `all of them`. A recursive-descent parser.
import type { EventView } from '../event-view.js';
import type { UsageError } from '../../errors.js';
import { shown } from './shown.js';

export type Condition =
  | { kind: 'identifier'; name: string }
  | { kind: 'not'; operand: Condition }
  | { kind: 'and' | 'or'; operands: Condition[] }
  | { kind: 'of'; quantifier: 'one' | 'all'; pattern: string };

/** Deeper than any rule needs; the parser recurses, so text is refused before it could exhaust the stack. */
export const MAX_CONDITION_DEPTH = 64;
const MAX_CONDITION_LENGTH = 16 * 1024;

type Token = { text: string; at: number };
const TOKEN = /\s*(?:([()])|([A-Za-z0-9_*.-]+)|(\S))/y;

function tokenize(text: string, refuse: (what: string) => UsageError): Token[] {
  if (text.length > MAX_CONDITION_LENGTH) throw refuse(`the condition is longer than ${MAX_CONDITION_LENGTH} characters`);
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match !== null && match[0] !== ''; match = TOKEN.exec(text)) {
    const [, paren, word, other] = match;
    if (other !== undefined) {
      if (other === '|') throw refuse('aggregations in a condition (`| count() ...`) are not supported: write a Sigma correlation rule');
      throw refuse(`the condition has ${shown(other)} at column ${match.index + match[0].length}, which Sigma's conditions do not`);
    }
    tokens.push({ text: (paren ?? word) as string, at: match.index + match[0].length - ((paren ?? word) as string).length });
  }
  return tokens;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all']);

/** The condition's tree; anything else than Sigma's grammar is refused through `refuse`. */
export function parseCondition(text: string, refuse: (what: string) => UsageError): Condition {
  const tokens = tokenize(text, refuse);
  let next = 0;
  const peek = () => tokens[next]?.text.toLowerCase();
  const where = () => (next < tokens.length ? `at column ${(tokens[next]?.at ?? 0) + 1}` : 'at its end');
  const expect = (what: string): never => {
    const found = tokens[next];
    throw refuse(`the condition needs ${what} ${where()}${found ? `, not ${shown(found.text)}` : ''}`);
  };

  const or = (depth: number): Condition => {
    const operands = [and(depth)];
    while (peek() === 'or') {
      next++;
      operands.push(and(depth));
    }
    return operands.length === 1 ? (operands[0] as Condition) : { kind: 'or', operands };
  };
  const and = (depth: number): Condition => {
    const operands = [unary(depth)];
    while (peek() === 'and') {
      next++;
      operands.push(unary(depth));
    }
    return operands.length === 1 ? (operands[0] as Condition) : { kind: 'and', operands };
  };
  const unary = (depth: number): Condition => {
    if (depth > MAX_CONDITION_DEPTH) throw refuse(`the condition nests deeper than ${MAX_CONDITION_DEPTH}`);
    const token = tokens[next];
    if (token === undefined) return expect('an identifier');
    const word = token.text.toLowerCase();
    if (word === 'not') {
      next++;
      return { kind: 'not', operand: unary(depth + 1) };
    }
    if (word === '(') {
      next++;
      const inner = or(depth + 1);
      if (peek() !== ')') expect('a closing parenthesis');
      next++;
      return inner;
    }
    if (tokens[next + 1]?.text.toLowerCase() === 'of') {
      if (word !== '1' && word !== 'all') throw refuse(`only \`1 of\` and \`all of\` are Sigma quantifiers, not ${shown(token.text)} of`);
      next += 2;
      const target = tokens[next];
      if (
        target === undefined ||
        target.text === '(' ||
        target.text === ')' ||
        (KEYWORDS.has(target.text.toLowerCase()) && target.text.toLowerCase() !== 'them')
      )
        return expect('`them` or an identifier pattern');
      next++;
      return { kind: 'of', quantifier: word === '1' ? 'one' : 'all', pattern: target.text.toLowerCase() === 'them' ? 'them' : target.text };
    }
    if (word === ')' || KEYWORDS.has(word)) return expect('an identifier');
    if (token.text.includes('*')) throw refuse(`the pattern ${shown(token.text)} needs \`1 of\` or \`all of\` before it`);
    next++;
    return { kind: 'identifier', name: token.text };
  };

  const tree = or(0);
  if (next < tokens.length) expect('`and` or `or`');
  return tree;
}

type Test = (view: EventView) => boolean;

/** The names `1 of pattern` covers: `*` is any run of characters; `them` is every identifier but those starting with `_`. */
export function namesOf(pattern: string, names: readonly string[]): string[] {
  if (pattern === 'them') return names.filter((name) => !name.startsWith('_'));
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((piece) => piece.replace(/[.\\^$+?()[\]{}|-]/g, '\\$&'))
      .join('.*')}$`,
  );
  return names.filter((name) => regex.test(name));
}

/** The tree as one closure over the search identifiers' tests; an unknown identifier is refused. */
export function compileCondition(tree: Condition, identifiers: ReadonlyMap<string, Test>, refuse: (what: string) => UsageError): Test {
  switch (tree.kind) {
    case 'identifier': {
      const test = identifiers.get(tree.name);
      if (!test) throw refuse(`the condition names ${shown(tree.name)}, which the detection does not define`);
      return test;
    }
    case 'not': {
      const operand = compileCondition(tree.operand, identifiers, refuse);
      return (view) => !operand(view);
    }
    case 'and':
    case 'or': {
      const operands = tree.operands.map((operand) => compileCondition(operand, identifiers, refuse));
      return combine(tree.kind, operands);
    }
    case 'of': {
      const names = namesOf(tree.pattern, [...identifiers.keys()]);
      if (names.length === 0) throw refuse(`no search identifier matches ${shown(tree.pattern)}`);
      return combine(
        tree.quantifier === 'one' ? 'or' : 'and',
        names.map((name) => identifiers.get(name) as Test),
      );
    }
  }
}

function combine(kind: 'and' | 'or', operands: Test[]): Test {
  if (operands.length === 1) return operands[0] as Test;
  if (operands.length === 2) {
    const [a, b] = operands as [Test, Test];
    return kind === 'and' ? (view) => a(view) && b(view) : (view) => a(view) || b(view);
  }
  return kind === 'and' ? (view) => operands.every((test) => test(view)) : (view) => operands.some((test) => test(view));
}
