// Rule text in a message: quoted, its control and format characters escaped, so a rule file cannot write to the terminal.

/** `"text"` with every control, format and line-separating character as \uXXXX, cut at 80 characters. */
export function shown(text: string): string {
  const cut = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return `"${cut.replace(/["\\]|[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (char) => (char === '"' || char === '\\' ? `\\${char}` : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`))}"`;
}
