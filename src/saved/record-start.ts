/**
 * The first keys of the objects an archive holds: an activity stream record's `type`, Firehose's
 * error records' `attemptsMade` (or `rawData`), das-read's dead letters' `shardId`. In valid JSON
 * `{"key":` can only open an object (inside a string its quote would be escaped), and these
 * records have no objects inside them: met inside an object, it is where the next record begins.
 */
const FIRST_KEYS = ['type', 'attemptsMade', 'rawData', 'shardId'].map((key) => Buffer.from(`"${key}"`));

const OPEN = 0x7b;
const QUOTE = 0x22;
const COLON = 0x3a;
const isSpace = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
/** Spaces a pretty-printed record might have around its first key; more is not a record's start. */
const MAX_SPACES = 16;

/**
 * Whether a record of the archive begins at `at` (a `{`): true, false, or undefined when the
 * bytes there end too soon to tell and more may come (`ended` false). At most 48 bytes are read.
 */
export function recordStartAt(bytes: Uint8Array, at: number, ended: boolean): boolean | undefined {
  if (bytes[at] !== OPEN) return false;
  const length = bytes.length;
  let index = spacesAfter(bytes, at + 1);
  if (index - at - 1 > MAX_SPACES) return false;
  if (index >= length) return ended ? false : undefined;
  if (bytes[index] !== QUOTE) return false;
  for (const key of FIRST_KEYS) {
    let matched = 1;
    while (matched < key.length && index + matched < length && bytes[index + matched] === key[matched]) matched++;
    if (matched === key.length) {
      index = spacesAfter(bytes, index + matched);
      if (index - at > RECORD_START_BYTES) return false;
      if (index >= length) return ended ? false : undefined;
      return bytes[index] === COLON;
    }
    if (index + matched >= length) return ended ? false : undefined;
  }
  return false;
}

function spacesAfter(bytes: Uint8Array, from: number): number {
  let index = from;
  while (index < bytes.length && index - from <= MAX_SPACES && isSpace(bytes[index])) index++;
  return index;
}

/** Bytes from a `{` that decide whether a record starts there. */
export const RECORD_START_BYTES = 1 + MAX_SPACES + Math.max(...FIRST_KEYS.map((key) => key.length)) + MAX_SPACES + 1;
