/**
 * Numbers as das-read writes them for a person (the status line, the final line, --summary):
 * one way everywhere, with thousands separators, whatever the locale, so that a log reads alike on every machine.
 */
export const number = (n: number): string => n.toLocaleString('en-US');

/** `1 record`, `12,345 records`. */
export const count = (n: number, noun: string): string => `${number(n)} ${noun}${n === 1 ? '' : 's'}`;
