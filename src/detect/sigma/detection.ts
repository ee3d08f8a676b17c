// A rule's `detection`: its search identifiers (maps of fields, lists of them, keyword lists) and its condition, as one test.
import { compileCondition, parseCondition } from './condition.js';
import { fieldTest, type Test } from './modifiers.js';
import type { RuleNode } from './rule-yaml.js';
import { shown } from './shown.js';
import { WILDCARD, globTest, wildcardTokens } from './wildcard.js';

export function compileDetection(detection: RuleNode): Test {
  const identifiers = new Map<string, Test>();
  let condition: RuleNode | undefined;
  for (const [name, keyNode, value] of detection.entries('detection')) {
    if (name === 'condition') condition = value;
    else if (name === 'timeframe') throw keyNode.refuse('timeframe (Sigma 1 aggregation) is not supported: write a Sigma correlation rule');
    else identifiers.set(name, searchTest(name, value));
  }
  if (!condition) throw detection.refuse('the detection has no condition');
  const conditionNode = condition;
  // Several conditions (Sigma 1's list form) are alternatives.
  const tests = conditionNode.items('the condition').map((item) => {
    const text = item.text('the condition');
    const refuse = (what: string) => item.refuse(what);
    return compileCondition(parseCondition(text, refuse), identifiers, refuse);
  });
  if (tests.length === 0) throw conditionNode.refuse('the condition is an empty list');
  return tests.length === 1 ? (tests[0] as Test) : (view) => tests.some((test) => test(view));
}

/** A search identifier: a map is all of its fields; a list of maps any of them; a list of values is keywords. */
function searchTest(name: string, node: RuleNode): Test {
  if (node.isMap) return mapTest(node);
  if (node.isScalar && node.scalar(`the search ${shown(name)}`) === null) throw node.refuse(`the search ${shown(name)} is empty`);
  const items = node.items(`the search ${shown(name)}`);
  if (items.length === 0) throw node.refuse(`the search ${shown(name)} is an empty list, which matches nothing`);
  if (items.every((item) => item.isMap)) {
    const maps = items.map(mapTest);
    return (view) => maps.some((test) => test(view));
  }
  if (items.some((item) => !item.isScalar)) throw node.refuse(`the search ${shown(name)} mixes maps and values: make it one or the other`);
  const keywords = items.map((item) => {
    const value = item.scalar('a keyword');
    if (value === null) throw item.refuse('a keyword cannot be null');
    // A keyword is found anywhere in any of the event's strings, case-insensitively.
    const tokens = wildcardTokens(String(value)).map((token) => (typeof token === 'string' ? token.toLowerCase() : token));
    return globTest([WILDCARD.STAR, ...tokens, WILDCARD.STAR]);
  });
  return (view) => {
    const texts = view.keywordLowers();
    for (const keyword of keywords) for (let at = 0; at < texts.length; at++) if (keyword(texts[at] as string)) return true;
    return false;
  };
}

function mapTest(node: RuleNode): Test {
  const entries = node.entries('a search');
  if (entries.length === 0) throw node.refuse('an empty map of fields matches everything: say what to match');
  // Cheap tests first: an event that fails `command: GRANT` is never lowercased for a contains.
  const tests = entries
    .map(([key, keyNode, value]) => fieldTest(key, keyNode, value))
    .sort((a, b) => a.cost - b.cost)
    .map(({ test }) => test);
  if (tests.length === 1) return tests[0] as Test;
  if (tests.length === 2) {
    const [a, b] = tests as [Test, Test];
    return (view) => a(view) && b(view);
  }
  return (view) => tests.every((test) => test(view));
}
