import { UsageError } from '../errors.js';

const BYTE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** 1048576, 512k, 64m, 1g (powers of 1024). */
export function parseByteSize(flag: string, text: string): number {
  const match = /^(\d+)([kmg]?)i?b?$/i.exec(text.trim());
  const value = match ? Number(match[1]) * (BYTE_UNITS[(match[2] ?? '').toLowerCase()] ?? 1) : NaN;
  if (!Number.isSafeInteger(value) || value < 1024 || value > 4 * 1024 ** 3) {
    throw new UsageError(`${flag} takes a size from 1k to 4g, like 64m or 1048576 (got "${text}")`);
  }
  return value;
}
