import { ReportStateError } from '../report-state-error.js';

/** Reads a saved state's values, each checked: a wrong one throws ReportStateError naming where it is. */
export const fail = (problem: string): never => {
  throw new ReportStateError(problem);
};

export function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where} is not an object`);
  return value as Record<string, unknown>;
}

export function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) fail(`${where} is not a list`);
  return value as unknown[];
}

export function text(value: unknown, where: string): string {
  if (typeof value !== 'string') fail(`${where} is not text`);
  return value as string;
}

export function count(value: unknown, where: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) fail(`${where} is not a count`);
  return value as number;
}

export function positive(value: unknown, where: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) fail(`${where} is not a whole number of at least 1`);
  return value as number;
}

/** Epoch milliseconds as a Date can hold them. */
export function time(value: unknown, where: string): number {
  if (!Number.isSafeInteger(value) || Math.abs(value as number) > 8.64e15) fail(`${where} is not a time`);
  return value as number;
}

export function timeOrNull(value: unknown, where: string): number | null {
  return value === null ? null : time(value, where);
}

export function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') fail(`${where} is not true or false`);
  return value as boolean;
}

export function texts(value: unknown, where: string, max = Infinity): string[] {
  const list = array(value, where);
  if (list.length > max) fail(`${where} holds more than ${max}`);
  return list.map((item, index) => text(item, `${where}[${index}]`));
}

/** A tuple of exactly `length` items. */
export function tuple(value: unknown, length: number, where: string): unknown[] {
  const list = array(value, where);
  if (list.length !== length) fail(`${where} does not have ${length} items`);
  return list;
}

export function distinct(values: readonly (string | number)[], where: string): void {
  if (new Set(values).size !== values.length) fail(`${where} repeats a value`);
}
