import type { PrettyLayout } from '../format/pretty.js';

/** Pretty lines fit the terminal, unless --wide; in its zone, unless --utc. */
export function layoutOf(options: { utc: boolean; wide: boolean; fields?: string[] }, io: { stdoutColumns?: number }): PrettyLayout {
  return {
    ...(options.utc ? { utc: true } : {}),
    ...(!options.wide && io.stdoutColumns ? { width: io.stdoutColumns } : {}),
    ...(options.fields ? { fields: options.fields } : {}),
  };
}
