import fc from 'fast-check';

/**
 * Archives of whole records with damage of every kind a download, a `cat` or a disk does to them:
 * a record cut short, two records spliced, bit flips, invalid UTF-8, garbage between records, records
 * repeated and reordered. Each part of the archive says whether it is a whole record, and which.
 */
export type Damage =
  | { kind: 'truncate'; part: number; at: number }
  | { kind: 'splice'; part: number; other: number; at: number; from: number }
  | { kind: 'flip'; part: number; at: number; bit: number }
  | { kind: 'utf8'; part: number; at: number; byte: number }
  | { kind: 'garbage'; part: number; bytes: Uint8Array };

export interface ArchiveCase {
  /** Which records, in which order: repeats and reorderings. */
  order: number[];
  separator: string;
  damage: Damage[];
}

export interface ArchivePart {
  bytes: Buffer;
  /** Where the part starts in the archive. */
  offset: number;
  /** The record it is, byte for byte; undefined for a damaged record or garbage. */
  whole?: number;
  /** The record it was made from, when it was one. */
  from?: number;
}

const GARBAGE_BYTES = [0x7b, 0x7d, 0x22, 0x5c, 0x3a, 0x2c, 0x0a, 0x20, 0x5b, 0x5d, 0xff, 0xc3, 0x80, 0x61, 0x30];

export const damageArbitrary: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), part: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), part: fc.nat(), other: fc.nat(), at: fc.nat(), from: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), part: fc.nat(), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('utf8' as const), part: fc.nat(), at: fc.nat(), byte: fc.constantFrom(0xff, 0xc3, 0x80, 0xed, 0xf8) }),
  fc.record({
    kind: fc.constant('garbage' as const),
    part: fc.nat(),
    // Bytes JSON is made of, and bytes that are no UTF-8, more often than chance would give them.
    bytes: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 40 }),
      fc.array(fc.constantFrom(...GARBAGE_BYTES), { minLength: 1, maxLength: 40 }).map((bytes) => Uint8Array.from(bytes)),
      fc.constantFrom(
        ...['{', '{"', '{"a\\', '"', '}', '{"type":', '{"type":"DatabaseActivityMonitoringRecords","version":"1.1"}'].map((text) => Buffer.from(text)),
      ),
    ),
  }),
);

export const archiveCaseArbitrary = (records: number, maxParts = 6): fc.Arbitrary<ArchiveCase> =>
  fc.record({
    order: fc.array(fc.nat(records - 1), { minLength: 1, maxLength: maxParts }),
    separator: fc.constantFrom('', '\n', '\r\n', ' \n'),
    damage: fc.array(damageArbitrary, { maxLength: 3 }),
  });

/** Where a record's `"key"` field begins: damage stops before it (a data key KMS refuses stops any run, by design). */
const keyFieldOf = (record: Buffer) => {
  const at = record.indexOf('"key":"');
  return at === -1 ? record.length : at;
};

/** The archive a case makes of these records, and its parts. */
export function damagedArchive(records: readonly Buffer[], archiveCase: ArchiveCase): { content: Buffer; parts: ArchivePart[] } {
  let parts: { bytes: Buffer; from?: number }[] = archiveCase.order.map((index) => ({ bytes: records[index] as Buffer, from: index }));
  for (const damage of archiveCase.damage) {
    if (damage.kind === 'garbage') {
      const at = damage.part % (parts.length + 1);
      parts = [...parts.slice(0, at), { bytes: Buffer.from(damage.bytes) }, ...parts.slice(at)];
      continue;
    }
    const targets = parts.flatMap((part, index) => (part.from === undefined ? [] : [index]));
    if (targets.length === 0) continue;
    const index = targets[damage.part % targets.length] as number;
    const part = parts[index] as { bytes: Buffer; from: number };
    const bytes = Buffer.from(part.bytes);
    const before = keyFieldOf(bytes);
    let made: Buffer;
    if (damage.kind === 'truncate') made = bytes.subarray(0, 1 + (damage.at % Math.max(1, bytes.length - 1)));
    else if (damage.kind === 'splice') {
      const other = records[damage.other % records.length] as Buffer;
      made = Buffer.concat([bytes.subarray(0, damage.at % before), other.subarray(damage.from % keyFieldOf(other))]);
    } else {
      const at = damage.at % before;
      if (damage.kind === 'flip') bytes[at] = (bytes[at] as number) ^ (1 << damage.bit);
      else bytes[at] = damage.byte;
      made = bytes;
    }
    parts[index] = { bytes: made, from: part.from };
  }
  let offset = 0;
  const placed: ArchivePart[] = parts.map((part) => {
    const whole = records.findIndex((record) => record.equals(part.bytes));
    const made: ArchivePart = { bytes: part.bytes, offset, ...(whole === -1 ? {} : { whole }), ...(part.from === undefined ? {} : { from: part.from }) };
    offset += part.bytes.length + archiveCase.separator.length;
    return made;
  });
  return { content: Buffer.concat(placed.flatMap((part) => [part.bytes, Buffer.from(archiveCase.separator)])), parts: placed };
}

/** Chunk sizes to cut bytes into, as a pipe or gunzip hands them over. */
export const chunkSizesArbitrary = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 });

export function inChunks(bytes: Buffer, sizes: readonly number[], first = 1): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0, turn = 0; at < bytes.length; turn++) {
    const size = Math.max(turn === 0 ? first : 1, sizes[turn % sizes.length] as number);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** The bytes of `content` no span covers, whitespace aside: each one a loss. */
export function uncovered(content: Buffer, spans: readonly { start: number; end: number }[]): number[] {
  const covered = new Uint8Array(content.length);
  for (const { start, end } of spans) covered.fill(1, start, end);
  const missed: number[] = [];
  content.forEach((byte, at) => {
    if (!covered[at] && !isSpace(byte)) missed.push(at);
  });
  return missed;
}
