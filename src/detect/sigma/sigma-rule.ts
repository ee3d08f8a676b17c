// One YAML document of a rule file as a rule: its metadata, its logsource, and its detection or correlation.
import { engineNamed, type Engine } from '../../events/redact.js';
import { LEVELS, type Level, type RuleSummary } from '../finding.js';
import type { EventRule } from '../rule.js';
import { readCorrelation, type CorrelationDraft } from './correlation-rule.js';
import { compileDetection } from './detection.js';
import type { RuleNode } from './rule-yaml.js';
import { shown } from './shown.js';

/** Sigma's products for the four engines das-read reads (SQL Server is `mssql` in Sigma). */
export const PRODUCTS: Readonly<Record<string, Engine>> = { postgresql: 'postgresql', mysql: 'mysql', oracle: 'oracle', mssql: 'sqlserver' };

export type Compiled = { kind: 'event'; rule: EventRule; node: RuleNode } | { kind: 'correlation'; draft: CorrelationDraft; node: RuleNode };

export function compileDocument(document: RuleNode, source: string): Compiled {
  if (!document.isMap) throw document.refuse('a rule must be a YAML map (title, id, logsource, detection, ...)');
  const field = (key: string) => document.get(key);
  const action = field('action');
  if (action) throw action.refuse(`action: ${shown(action.text('action'))} (Sigma 1 rule collections) is not supported`);
  if (field('filter')) throw (field('filter') as RuleNode).refuse('Sigma filter rules are not supported');
  const title = required(document, 'title');
  const idNode = field('id');
  if (!idNode) throw document.refuse('the rule has no id: das-read names findings by it');
  const id = idNode.text('id');
  if (id.trim() === '') throw idNode.refuse('the id is empty');
  const nameNode = field('name');
  const name = nameNode ? nameNode.text('name') : undefined;
  const levelNode = field('level');
  const levelText = levelNode ? levelNode.text('level').toLowerCase() : 'medium';
  if (!(LEVELS as readonly string[]).includes(levelText))
    throw (levelNode as RuleNode).refuse(`the level ${shown(levelText)} is not one of ${LEVELS.join(', ')}`);
  const descriptionNode = field('description');
  const tagsNode = field('tags');
  const summary: RuleSummary = {
    id,
    title,
    level: levelText as Level,
    description: descriptionNode ? descriptionNode.text('description') : '',
    tags: tagsNode ? tagsNode.items('tags').map((tag) => tag.text('a tag')) : [],
    engines: [],
    source,
    correlation: false,
  };

  const correlation = field('correlation');
  const detection = field('detection');
  if (correlation && detection) throw correlation.refuse('a rule has a detection or a correlation, not both');
  if (correlation) return { kind: 'correlation', draft: readCorrelation(correlation, { ...summary, correlation: true }, name), node: document };
  if (!detection) throw document.refuse('the rule has neither a detection nor a correlation');
  const engine = readLogsource(document);
  const matches = compileDetection(detection);
  const engines = engine ? [Object.keys(PRODUCTS).find((product) => PRODUCTS[product] === engine) as string] : [];
  return { kind: 'event', rule: { kind: 'event', summary: { ...summary, engines }, name, engine, matches }, node: document };
}

function required(document: RuleNode, key: string): string {
  const node = document.get(key);
  if (!node) throw document.refuse(`the rule has no ${key}`);
  const text = node.text(key);
  if (text.trim() === '') throw node.refuse(`the ${key} is empty`);
  return text;
}

/** `category: database`, and at most one of das-read's engines as the product; any other logsource is refused, never half-applied. */
function readLogsource(document: RuleNode): Engine | undefined {
  const logsource = document.get('logsource');
  if (!logsource) throw document.refuse('the rule has no logsource: das-read runs rules whose logsource is category: database');
  let category: string | undefined;
  let engine: Engine | undefined;
  for (const [key, keyNode, value] of logsource.entries('logsource')) {
    if (key === 'category') {
      category = value.text('category');
      if (category.toLowerCase() !== 'database')
        throw value.refuse(`the logsource category ${shown(category)} is not supported: das-read runs rules of category database`);
    } else if (key === 'product') {
      const product = value.text('product').toLowerCase();
      engine = PRODUCTS[product];
      if (!engine || engineNamed(product) === undefined)
        throw value.refuse(`the logsource product ${shown(product)} is not supported: one of ${Object.keys(PRODUCTS).join(', ')}, or none for every engine`);
    } else if (key === 'definition') value.text('definition');
    else throw keyNode.refuse(`the logsource ${shown(key)} is not supported: das-read reads category database and product`);
  }
  if (category === undefined) throw logsource.refuse('the logsource has no category: das-read runs rules of category database');
  return engine;
}
