import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A validator of OCSF events built from the schema's own files (test/fixtures/ocsf-1.1.0): a class's
 * attributes with those of the classes it extends and the files it includes, each object's the same
 * way, the dictionary's types with their patterns and ranges, and the enums.
 */
const SCHEMA = fileURLToPath(new URL('../fixtures/ocsf-1.1.0', import.meta.url));

interface AttributeSpec {
  type?: string;
  is_array?: boolean;
  requirement?: 'required' | 'recommended' | 'optional';
  enum?: Record<string, unknown>;
}

interface Shape {
  attributes: Record<string, AttributeSpec>;
  atLeastOne: string[];
}

interface Definition {
  name?: string;
  extends?: string;
  attributes?: Record<string, AttributeSpec | string[]>;
  constraints?: { at_least_one?: string[] };
  uid?: number;
  category?: string;
}

const read = (path: string) => JSON.parse(readFileSync(join(SCHEMA, path), 'utf8')) as Definition & Record<string, unknown>;
const dictionary = read('dictionary.json') as unknown as {
  attributes: Record<string, AttributeSpec>;
  types: { attributes: Record<string, { type?: string; regex?: string; range?: [number, number]; max_len?: number }> };
};

function findEvent(name: string, dir = join(SCHEMA, 'events')): string {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findEvent(name, path);
      if (found) return found;
    } else if (entry.name === `${name}.json`) return path.slice(SCHEMA.length + 1);
  }
  return '';
}

/** A class's or an object's attributes, its ancestors' and its includes' merged under its own. */
function shapeOf(kind: 'events' | 'objects', name: string): Shape {
  const file = kind === 'objects' ? `objects/${name}.json` : findEvent(name) || `events/${name}.json`;
  const definition = read(file);
  const parent = definition.extends ? shapeOf(kind, definition.extends) : { attributes: {}, atLeastOne: [] };
  const attributes: Record<string, AttributeSpec> = { ...parent.attributes };
  const own = definition.attributes ?? {};
  for (const include of (own.$include as string[] | undefined) ?? []) {
    Object.assign(attributes, (read(include).attributes ?? {}) as Record<string, AttributeSpec>);
  }
  for (const [key, spec] of Object.entries(own)) {
    if (key === '$include') continue;
    attributes[key] = { ...(attributes[key] ?? {}), ...(spec as AttributeSpec) };
  }
  // Constraints are each definition's own: query_info extends _entity without needing a name or uid.
  return { attributes, atLeastOne: definition.constraints?.at_least_one ?? [] };
}

const shapes = new Map<string, Shape>();
const objectShape = (name: string) => {
  if (!shapes.has(name)) shapes.set(name, shapeOf('objects', name));
  return shapes.get(name) as Shape;
};

/** A dictionary type down to its base: `port_t` is an `integer_t` in [0, 65535]. */
function checkScalar(type: string, value: unknown, path: string, problems: string[]): void {
  const spec = dictionary.types.attributes[type];
  if (!spec) return void problems.push(`${path}: unknown type ${type}`);
  if (spec.type) checkScalar(spec.type, value, path, problems);
  const fail = (why: string): void => void problems.push(`${path}: ${JSON.stringify(value)} ${why} (${type})`);
  switch (type) {
    case 'string_t':
      if (typeof value !== 'string') return fail('is not a string');
      break;
    case 'integer_t':
    case 'long_t':
      if (!Number.isSafeInteger(value)) return fail('is not an integer');
      if (type === 'integer_t' && Math.abs(value as number) > 2 ** 31) return fail('is out of a 32-bit integer');
      break;
    case 'float_t':
      if (typeof value !== 'number') return fail('is not a number');
      break;
    case 'boolean_t':
      if (typeof value !== 'boolean') return fail('is not a boolean');
      break;
  }
  if (spec.max_len !== undefined && typeof value === 'string' && value.length > spec.max_len) fail(`is longer than ${spec.max_len}`);
  if (spec.regex && typeof value === 'string' && !new RegExp(spec.regex).test(value)) fail(`does not match ${spec.regex}`);
  if (spec.range && typeof value === 'number' && (value < spec.range[0] || value > spec.range[1])) fail(`is outside ${spec.range.join('–')}`);
}

function checkObject(shape: Shape, value: unknown, path: string, problems: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return void problems.push(`${path}: is not an object`);
  const fields = value as Record<string, unknown>;
  for (const [name, spec] of Object.entries(shape.attributes)) {
    if (spec.requirement === 'required' && !(name in fields)) problems.push(`${path}.${name}: required, missing`);
  }
  if (shape.atLeastOne.length && !shape.atLeastOne.some((name) => name in fields)) problems.push(`${path}: needs one of ${shape.atLeastOne.join(', ')}`);
  for (const [name, item] of Object.entries(fields)) {
    const where = path ? `${path}.${name}` : name;
    const own = shape.attributes[name];
    if (!own) {
      problems.push(`${where}: not an attribute of this object or class`);
      continue;
    }
    if (name === 'unmapped') continue;
    const general = dictionary.attributes[name] ?? {};
    // A class's or object's enum adds to the dictionary's (Other and Unknown stay valid).
    const spec = { ...general, ...own, ...(general.enum || own.enum ? { enum: { ...general.enum, ...own.enum } } : {}) };
    if (spec.is_array) {
      if (!Array.isArray(item)) problems.push(`${where}: is not an array`);
      else item.forEach((element, index) => checkValue(spec, element, `${where}[${index}]`, problems));
    } else checkValue(spec, item, where, problems);
  }
}

function checkValue(spec: AttributeSpec, value: unknown, path: string, problems: string[]): void {
  const type = spec.type ?? 'string_t';
  if (type === 'object' || type === 'json_t') return;
  if (type.endsWith('_t')) checkScalar(type, value, path, problems);
  else checkObject(objectShape(type), value, path, problems);
  // The class and category ids are the schema's numbering, checked against the class itself below.
  if (spec.enum && !CLASSIFICATION_IDS.has(path) && !Object.hasOwn(spec.enum, String(value)))
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${Object.keys(spec.enum).join(', ')}`);
}

const CLASSIFICATION_IDS = new Set(['class_uid', 'category_uid']);

/** What is wrong with `event` as an event of the named class: an empty list when nothing is. */
export function ocsfProblems(className: string, event: unknown): string[] {
  const shape = shapeOf('events', className);
  const problems: string[] = [];
  checkObject(shape, event, '', problems);
  const definition = read(findEvent(className));
  const categories = (read('categories.json') as unknown as { attributes: Record<string, { uid: number }> }).attributes;
  const fields = event as Record<string, unknown>;
  const categoryUid = categories[String(read(findEvent(definition.extends ?? '')).category ?? '')]?.uid ?? 0;
  const classUid = categoryUid * 1000 + (definition.uid ?? 0);
  if (fields.class_uid !== classUid) problems.push(`class_uid: ${String(fields.class_uid)}, not ${classUid}`);
  if (fields.category_uid !== categoryUid) problems.push(`category_uid: ${String(fields.category_uid)}, not ${categoryUid}`);
  if (fields.type_uid !== classUid * 100 + Number(fields.activity_id)) problems.push(`type_uid: ${String(fields.type_uid)}, not class_uid × 100 + activity_id`);
  return problems;
}
