// Rule texts to compiled rules: every YAML document of every file, correlations resolved across the set.
import type { EventRule, Rule } from './rule.js';
import { resolveCorrelation, type CorrelationDraft } from './sigma/correlation-rule.js';
import { RuleFile, type RuleNode } from './sigma/rule-yaml.js';
import { shown } from './sigma/shown.js';
import { compileDocument } from './sigma/sigma-rule.js';

export interface RuleText {
  /** What messages call it: the path as given, or builtin/<name>.yml. */
  name: string;
  text: string;
}

/**
 * Every document of every file compiled; correlations resolved against the single-event rules of the whole set (by
 * id or name). Any document refused refuses the load: a rule set is applied whole or not at all.
 */
export function compileRules(files: readonly RuleText[]): Rule[] {
  const rules: Rule[] = [];
  const drafts: CorrelationDraft[] = [];
  const ids = new Map<string, RuleNode>();
  const names = new Map<string, RuleNode>();
  const byRef = new Map<string, EventRule | 'correlation'>();
  for (const file of files) {
    for (const document of new RuleFile(file.name, file.text).documents()) {
      const compiled = compileDocument(document, file.name);
      const summary = compiled.kind === 'event' ? compiled.rule.summary : compiled.draft.summary;
      const name = compiled.kind === 'event' ? compiled.rule.name : compiled.draft.name;
      const earlier = ids.get(summary.id);
      if (earlier) throw (document.get('id') as RuleNode).refuse(`the id ${shown(summary.id)} is already the id of the rule at ${earlier.place}`);
      ids.set(summary.id, document);
      if (name !== undefined) {
        const named = names.get(name);
        if (named) throw (document.get('name') as RuleNode).refuse(`the name ${shown(name)} is already the name of the rule at ${named.place}`);
        names.set(name, document);
      }
      const target = compiled.kind === 'event' ? compiled.rule : 'correlation';
      byRef.set(summary.id, target);
      if (name !== undefined) byRef.set(name, target);
      if (compiled.kind === 'event') rules.push(compiled.rule);
      else drafts.push(compiled.draft);
    }
  }
  for (const draft of drafts) rules.push(resolveCorrelation(draft, (ref) => byRef.get(ref)));
  return rules;
}
