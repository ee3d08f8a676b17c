// A Sigma correlation rule's `correlation` section, read at load and resolved against the rules it names.
import type { RuleSummary } from '../finding.js';
import type { CorrelationRule, CorrelationType, CountCondition, EventRule } from '../rule.js';
import type { RuleNode } from './rule-yaml.js';
import { shown } from './shown.js';

const TYPES: readonly CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered'];
const BOUNDS = ['gt', 'gte', 'lt', 'lte', 'eq'] as const;
const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Above this, a count would need more remembered events than the bounded state keeps. */
export const MAX_THRESHOLD = 1_000;
/** Correlation over more rules than this is not a rule one reads. */
export const MAX_CORRELATED_RULES = 30;

/** What a correlation says before the rules it names are known. */
export interface CorrelationDraft {
  summary: RuleSummary;
  name: string | undefined;
  type: CorrelationType;
  references: Array<{ ref: string; node: RuleNode }>;
  groupBy: string[];
  aliases: Map<string, Map<string, string>>;
  aliasNode: RuleNode | undefined;
  timespanMs: number;
  condition: CountCondition | undefined;
  field: string | undefined;
  generate: boolean;
  node: RuleNode;
}

export function readCorrelation(section: RuleNode, summary: RuleSummary, name: string | undefined): CorrelationDraft {
  const entries = new Map(section.entries('correlation').map(([key, keyNode, value]) => [key, { keyNode, value }]));
  for (const [key, { keyNode }] of entries)
    if (!['type', 'rules', 'group-by', 'timespan', 'condition', 'aliases', 'generate'].includes(key))
      throw keyNode.refuse(`the correlation attribute ${shown(key)} is not supported`);
  const get = (key: string) => entries.get(key)?.value;
  const typeNode = get('type');
  if (!typeNode) throw section.refuse('the correlation has no type');
  const type = typeNode.text('the correlation type') as CorrelationType;
  if (!TYPES.includes(type)) throw typeNode.refuse(`the correlation type ${shown(type)} is not supported: one of ${TYPES.join(', ')}`);

  const rulesNode = get('rules');
  if (!rulesNode) throw section.refuse('the correlation names no rules');
  const references = rulesNode.items('rules').map((node) => ({ ref: node.text('a rule id or name'), node }));
  if (references.length === 0) throw rulesNode.refuse('the correlation names no rules');
  if (references.length > MAX_CORRELATED_RULES) throw rulesNode.refuse(`a correlation of more than ${MAX_CORRELATED_RULES} rules is not supported`);

  const groupNode = get('group-by');
  const groupBy = groupNode ? groupNode.items('group-by').map((node) => node.text('a group-by field')) : [];

  const timespanNode = get('timespan');
  if (!timespanNode) throw section.refuse('the correlation has no timespan');
  const timespanText = timespanNode.text('timespan');
  const timespanMatch = /^(\d{1,9})([smhd])$/.exec(timespanText);
  const timespanMs = timespanMatch ? Number(timespanMatch[1]) * (UNITS[timespanMatch[2] as string] as number) : 0;
  if (!(timespanMs > 0)) throw timespanNode.refuse(`the timespan ${shown(timespanText)} is not a number and one of s, m, h, d (such as 2m)`);

  let condition: CountCondition | undefined;
  let field: string | undefined;
  const conditionNode = get('condition');
  if (conditionNode) {
    condition = {};
    for (const [key, keyNode, value] of conditionNode.entries('the correlation condition')) {
      if (key === 'field') {
        field = value.text('field');
        continue;
      }
      if (!(BOUNDS as readonly string[]).includes(key)) throw keyNode.refuse(`the correlation condition ${shown(key)} is not supported: gt, gte, lt, lte, eq`);
      const bound = value.scalar(key);
      if (typeof bound !== 'number' || !Number.isInteger(bound) || bound < 0) throw value.refuse(`${key} takes a whole number`);
      if (bound > MAX_THRESHOLD) throw value.refuse(`a count above ${MAX_THRESHOLD} is not supported`);
      condition[key as (typeof BOUNDS)[number]] = bound;
    }
    if (Object.keys(condition).length === 0) throw conditionNode.refuse('the correlation condition has no bound (gt, gte, lt, lte, eq)');
  }
  if ((type === 'event_count' || type === 'value_count') && !condition) throw section.refuse(`a correlation of type ${type} needs a condition`);
  if (type === 'value_count' && field === undefined) throw (conditionNode ?? section).refuse('a value_count correlation needs a field in its condition');
  if (type !== 'value_count' && field !== undefined) throw (conditionNode ?? section).refuse(`field is only for value_count, not ${type}`);

  const aliases = new Map<string, Map<string, string>>();
  const aliasNode = get('aliases');
  if (aliasNode)
    for (const [alias, , perRule] of aliasNode.entries('aliases'))
      aliases.set(alias, new Map(perRule.entries(`the alias ${shown(alias)}`).map(([rule, , fieldNode]) => [rule, fieldNode.text('a field name')])));

  const generateNode = get('generate');
  const generate = generateNode ? generateNode.scalar('generate') : false;
  if (typeof generate !== 'boolean') throw (generateNode as RuleNode).refuse('generate takes true or false');

  return { summary, name, type, references, groupBy, aliases, aliasNode, timespanMs, condition, field, generate, node: section };
}

/** The draft with the rules it names; a name or id that is no single-event rule loaded is refused. */
export function resolveCorrelation(draft: CorrelationDraft, find: (ref: string) => EventRule | 'correlation' | undefined): CorrelationRule {
  const rules = draft.references.map(({ ref, node }) => {
    const found = find(ref);
    if (found === 'correlation') throw node.refuse(`the rule ${shown(ref)} is a correlation: correlations of correlations are not supported`);
    if (!found) throw node.refuse(`no rule loaded has the id or name ${shown(ref)}`);
    return found;
  });
  for (const [alias, perRule] of draft.aliases)
    for (const name of perRule.keys())
      if (!rules.some((rule) => rule.name === name))
        throw (draft.aliasNode as RuleNode).refuse(`the alias ${shown(alias)} names ${shown(name)}, which the correlation does not`);
  const groupFields = rules.map((rule) =>
    draft.groupBy.map((group) => (rule.name !== undefined ? draft.aliases.get(group)?.get(rule.name) : undefined) ?? group),
  );
  if (draft.type === 'temporal_ordered' && draft.condition) {
    const keys = Object.keys(draft.condition);
    // In order means every rule: the one condition that says so is gte the number of rules.
    if (keys.length !== 1 || draft.condition.gte !== rules.length)
      throw draft.node.refuse(`temporal_ordered takes no condition but gte: ${rules.length} (every rule, in order)`);
  }
  if (draft.type.startsWith('temporal') && draft.condition) {
    const most = rules.length;
    if (Object.values(draft.condition).some((bound) => (bound as number) > most))
      throw draft.node.refuse(`the condition counts more rules than the ${most} the correlation names`);
  }
  // The engines its rules run on: every engine if any of them runs on every engine.
  const engines = rules.some((rule) => rule.summary.engines.length === 0) ? [] : [...new Set(rules.flatMap((rule) => rule.summary.engines))].sort();
  return {
    kind: 'correlation',
    summary: { ...draft.summary, engines },
    name: draft.name,
    type: draft.type,
    rules,
    groupBy: draft.groupBy,
    groupFields,
    timespanMs: draft.timespanMs,
    condition: draft.type === 'temporal_ordered' ? undefined : draft.condition,
    field: draft.field,
    generate: draft.generate,
  };
}
