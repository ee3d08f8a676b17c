/**
 * Text a database client chooses (SQL, application name, even a failed login's user name)
 * that a terminal would act on: each must be shown, never obeyed.
 */
export const HOSTILE_PAYLOADS: ReadonlyArray<[string, string]> = [
  ['SGR colour and a screen clear', 'SELECT \u001b[31mred\u001b[0m \u001b]0;pwned\u0007 \u001b[2J after-clear'],
  ['cursor up and erase line', 'evil\u001b]0;owned\u0007\u001b[1A\u001b[2K'],
  ['the one-byte C1 CSI', 'x\u009b2Jy'],
  ['an OSC 8 hyperlink', '\u001b]8;;https://attacker.example/\u001b\\click\u001b]8;;\u001b\\'],
  ['cursor movement', 'a\u001b[10;10Hb\u001b7\u001b8'],
  ['a bidi override', 'access\u202e level = admin\u202c'],
  ['bidi isolates', '\u2066secret\u2069 \u2067rtl\u2069 \u2068first\u2069'],
  ['NUL', 'before\u0000after'],
  ['a lone carriage return', 'harmless\rDROP TABLE'],
  ['DEL and BEL', 'ring\u0007\u007f'],
];

/** Every field of a PostgreSQL event that a client can write. */
export const CLIENT_FIELDS = [
  'commandText',
  'clientApplication',
  'dbUserName',
  'databaseName',
  'errorMessage',
  'objectName',
  'remoteHost',
  'command',
  'class',
] as const;

// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const SGR = /\u001b\[[0-9;]*m/g;
// eslint-disable-next-line no-control-regex -- as above
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/** What a terminal would act on in `text`, das-read's own colour codes and the line ends aside. */
export function activeCharacters(text: string): string[] {
  return [...text.replace(SGR, '')].filter((character) => ACTIVE.test(character));
}
