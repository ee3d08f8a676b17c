// A rule file's YAML, kept as nodes with their places, so that every refusal names the file and the line.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { UsageError } from '../../errors.js';

/** Ten times SigmaHQ's largest rule file: a bound on what one file may make the loader read and parse (YAML parsing of hostile shapes is slower than linear). */
export const MAX_RULE_FILE_BYTES = 256 * 1024;

const MAX_FLOW_DEPTH = 64;
const TOO_DEEP = `the YAML nests too deeply to read (more than ${MAX_FLOW_DEPTH} levels of [ and {)`;

export type Scalar = string | number | boolean | null;

/** One YAML node of a rule and where it is. */
export class RuleNode {
  constructor(
    private readonly file: RuleFile,
    readonly node: Node | null,
    /** Where a missing node would be: its key's offset. */
    private readonly fallbackOffset: number,
  ) {}

  get line(): number {
    return this.file.lineAt(this.node?.range?.[0] ?? this.fallbackOffset);
  }

  /** `file:line`, as messages name a place. */
  get place(): string {
    return `${this.file.name}:${this.line}`;
  }

  /** A UsageError naming this node's place: `file:line: what`. */
  refuse(what: string): UsageError {
    return this.file.refuse(this.node?.range?.[0] ?? this.fallbackOffset, what);
  }

  get isMap(): boolean {
    return isMap(this.node);
  }

  get isList(): boolean {
    return isSeq(this.node);
  }

  get isScalar(): boolean {
    return this.node === null || isScalar(this.node);
  }

  /** The scalar's value (a missing value is null); anything else is refused as `what`. */
  scalar(what: string): Scalar {
    if (this.node === null) return null;
    if (isAlias(this.node)) throw this.refuse('YAML aliases are not supported in rules');
    if (!isScalar(this.node)) throw this.refuse(`${what} must be a single value`);
    const value: unknown = this.node.value;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    throw this.refuse(`${what} is not a value a rule can hold`);
  }

  /** A string (a number is written out), refused as `what` otherwise. */
  text(what: string): string {
    const value = this.scalar(what);
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    throw this.refuse(`${what} must be text`);
  }

  /** A list's items; a single value stands for a list of one. */
  items(what: string): RuleNode[] {
    if (isAlias(this.node)) throw this.refuse('YAML aliases are not supported in rules');
    if (isSeq(this.node)) return this.node.items.map((item) => this.child(item as Node | null));
    if (isMap(this.node)) throw this.refuse(`${what} must be a list`);
    return [this];
  }

  /** A map's entries in order; anything else is refused as `what`. */
  entries(what: string): Array<[string, RuleNode, RuleNode]> {
    if (isAlias(this.node)) throw this.refuse('YAML aliases are not supported in rules');
    if (!isMap(this.node)) throw this.refuse(`${what} must be a map`);
    return this.node.items.map((pair) => {
      const keyNode = this.child(pair.key as Node | null);
      const key = keyNode.text(`a key of ${what}`);
      const keyOffset = (pair.key as Node | null)?.range?.[0] ?? this.node?.range?.[0] ?? 0;
      return [key, keyNode, new RuleNode(this.file, (pair.value as Node | null) ?? null, keyOffset)];
    });
  }

  /** The map's value at `key`, or undefined. */
  get(key: string): RuleNode | undefined {
    if (!isMap(this.node)) return undefined;
    return this.entries('the map').find(([name]) => name === key)?.[2];
  }

  private child(node: Node | null): RuleNode {
    return new RuleNode(this.file, node, this.node?.range?.[0] ?? this.fallbackOffset);
  }
}

/** A rule file's text, parsed as YAML documents (a Sigma file may hold several, `---` between them). */
export class RuleFile {
  private readonly lines = new LineCounter();

  constructor(
    /** As the user named it, or builtin/<name>.yml: what every message starts with. */
    readonly name: string,
    readonly text: string,
  ) {}

  /** Where flow collections first nest deeper than any rule's: the place of a stack the parser ran out of. */
  private deepest(): number {
    let depth = 0;
    for (let at = 0; at < this.text.length; at++) {
      const char = this.text[at];
      if (char === '[' || char === '{') depth++;
      else if ((char === ']' || char === '}') && depth > 0) depth--;
      if (depth > MAX_FLOW_DEPTH) return at;
    }
    return 0;
  }

  lineAt(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  refuse(offset: number, what: string): UsageError {
    return new UsageError(`${this.name}:${this.lineAt(offset)}: ${what}`);
  }

  /** The documents that hold something; a YAML error refuses the whole file at its line. */
  documents(): RuleNode[] {
    if (this.text.length > MAX_RULE_FILE_BYTES) throw new UsageError(`${this.name}:1: the file is larger than ${MAX_RULE_FILE_BYTES} characters`);
    let parsed;
    try {
      parsed = parseAllDocuments(this.text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true, strict: true });
    } catch (error) {
      // The YAML parser recurses into flow collections: thousands of `[` or `{` exhaust the stack.
      if (error instanceof RangeError) throw this.refuse(this.deepest(), TOO_DEEP);
      throw error;
    }
    const documents = Array.isArray(parsed) ? parsed : [];
    const out: RuleNode[] = [];
    for (const document of documents) {
      const error = document.errors[0];
      if (error && /call stack/i.test(error.message)) throw this.refuse(this.deepest(), TOO_DEEP);
      if (error) throw this.refuse(error.pos[0], `not valid YAML: ${error.message.split('\n')[0] ?? error.code}`);
      if (document.contents === null) continue;
      out.push(new RuleNode(this, document.contents, document.contents.range?.[0] ?? 0));
    }
    return out;
  }
}
