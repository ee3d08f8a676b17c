import { LEVELS, type Finding, type Level, type RuleSummary } from './finding.js';

/** Findings counted by rule and by level: --summary's table and --fail-on's test. */
export class FindingTally {
  total = 0;
  readonly #byRule = new Map<string, { rule: RuleSummary; count: number }>();
  readonly #byLevel = new Map<Level, number>();

  add(finding: Finding): void {
    this.total++;
    const known = this.#byRule.get(finding.rule.id);
    if (known) known.count++;
    else this.#byRule.set(finding.rule.id, { rule: finding.rule, count: 1 });
    this.#byLevel.set(finding.rule.level, (this.#byLevel.get(finding.rule.level) ?? 0) + 1);
  }

  /** Most severe first, then most frequent, then by title. */
  byRule(): Array<{ rule: RuleSummary; count: number }> {
    return [...this.#byRule.values()].sort(
      (a, b) => LEVELS.indexOf(b.rule.level) - LEVELS.indexOf(a.rule.level) || b.count - a.count || a.rule.title.localeCompare(b.rule.title),
    );
  }

  /** Every level, most severe first, with its count (zero included). */
  byLevel(): Array<{ level: Level; count: number }> {
    return [...LEVELS].reverse().map((level) => ({ level, count: this.#byLevel.get(level) ?? 0 }));
  }

  /** Whether a finding at `level` or above was made. */
  reached(level: Level): boolean {
    return LEVELS.slice(LEVELS.indexOf(level)).some((at) => (this.#byLevel.get(at) ?? 0) > 0);
  }
}
