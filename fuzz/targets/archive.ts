// The archive cutter (`das-read decode`): an archive's bytes, gzip'd or not, in any chunks, through
// contentOf and archiveRecords as decode reads them. Its promise: every byte is accounted for, in
// order, by an item that holds it or says where it was, and every whole record in it is read whole.
import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { archiveRecords, type ArchiveItem } from '../../src/saved/archive-records.js';
import { contentOf } from '../../src/saved/saved-lines.js';
import { delivered, invariant, type FuzzTarget } from '../target.js';

/** As decode's bound, smaller, so that a huge mutation meets it. */
const MAX_OBJECT_BYTES = 1024 * 1024;
const NAME = 'fuzz.bin';

// The whole records of the corpus: wherever one of them is found intact in an input, it must be read as itself.
const corpusDir = new URL('../corpus/archive/', import.meta.url);
const WHOLE = [
  ...new Set(
    readdirSync(corpusDir).flatMap(
      (file) => readFileSync(new URL(file, corpusDir), 'latin1').match(/\{"type":"DatabaseActivityMonitoringRecords"[^{}]*\}/g) ?? [],
    ),
  ),
].map((text) => Buffer.from(text, 'latin1'));

const isSpace = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
const onlySpace = (bytes: Buffer) => bytes.every((byte) => isSpace(byte));

const target: FuzzTarget = {
  streams: true,
  dictionary: [
    '{"type":"DatabaseActivityMonitoringRecords"',
    '"rawData":',
    '"data":',
    '"shardId":"s"',
    '"sequenceNumber":"1"',
    '"arrivalTimestamp":',
    '}\n{',
    '\\"',
  ],
  async run(input, delivery) {
    const plain = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const { content, gzipped } = await contentOf(Readable.from(delivered(input, delivery)));
    const items: ArchiveItem[] = [];
    for await (const item of archiveRecords(content, { name: NAME, gzipped, maxRecordBytes: MAX_OBJECT_BYTES })) items.push(item);
    // Plain bytes that start as gzip does are taken for gzip: their places are not in `plain`.
    if (!delivery.gzip && plain[0] === 0x1f && plain[1] === 0x8b)
      return `gzip-looking input: ${items.length === 0 ? 'nothing' : (items[items.length - 1]?.problem ?? 'a record').replace(/\d+/g, '#').slice(0, 60)}`;
    invariant(
      gzipped === delivery.gzip,
      "gzip'd input not read as gzip, or plain as gzip",
      () => `gzip'd ${delivery.gzip}, delivered in chunks ${JSON.stringify(delivery.chunks)}, read as gzip'd ${gzipped}`,
    );

    let end = 0; // where the bytes accounted for so far end; -1 once an item does not say its length
    let last = -1;
    const starts = new Map<number, ArchiveItem>();
    for (const item of items) {
      // A record is named by its first byte, a damaged span by its first and last.
      const placed = /^bytes? (\d+)(?: to (\d+))? of /.exec(item.record.place ?? '');
      const at = Number(placed?.[1] ?? NaN);
      invariant(Number.isInteger(at) && at >= 0 && at <= plain.length, "an item's place is not in the input", () => String(item.record.place));
      invariant(at > last, 'items out of order', () => `byte ${at} after byte ${last}`);
      invariant(end === -1 || (at >= end && onlySpace(plain.subarray(end, at))), 'bytes in no item', () => `bytes ${end}..${at}`);
      last = at;
      starts.set(at, item);
      // A record read from inside an envelope (Firehose's rawData, a dead letter) holds its data, not the bytes of its place.
      const verbatim = item.record.data.length > 0 && !/\(Firehose's rawData\)|\(the dead letter of /.test(item.record.place ?? '');
      if (placed?.[2] !== undefined) {
        // A span says where it ends even when it is too long to be held.
        const last = Number(placed[2]);
        invariant(last >= at && last < plain.length, "a span's last byte is not in the input", () => String(item.record.place));
        invariant(
          item.record.data.length === 0 || plain.subarray(at, last + 1).equals(item.record.data),
          "a span holds bytes that are not the input's at its place",
          () => String(item.record.place),
        );
        end = last + 1;
      } else if (verbatim) {
        invariant(
          plain.subarray(at, at + item.record.data.length).equals(item.record.data),
          "an item holds bytes that are not the input's at its place",
          () => `byte ${at}`,
        );
        end = at + item.record.data.length;
      } else {
        // An envelope, or bytes too long to be held: where they end is not said.
        end = -1;
      }
    }
    invariant(end === -1 || onlySpace(plain.subarray(end)), 'bytes in no item', () => `bytes ${end}..${plain.length}, at the end`);
    if (items.length === 0) invariant(onlySpace(plain), 'bytes in no item', () => 'the input has bytes but no item');

    // Every whole record in the input is read whole, wherever it is.
    for (const record of WHOLE) {
      for (let at = plain.indexOf(record); at !== -1; at = plain.indexOf(record, at + 1)) {
        const item = starts.get(at);
        invariant(
          item && item.problem === undefined && Buffer.from(item.record.data).equals(record),
          'a whole record in the input was not read',
          () => `the record at byte ${at}: ${item ? (item.problem ?? `read as ${item.record.data.length} bytes`) : 'no item starts there'}`,
        );
      }
    }
    const problems = items.filter((item) => item.problem !== undefined);
    const kinds = [...new Set(problems.map((item) => (item.problem as string).replace(/\d+/g, '#').replace(new RegExp(NAME, 'g'), 'F').slice(0, 70)))].sort();
    return problems.length === 0 ? `all read (${items.length === 0 ? 'empty' : 'records'})` : `reported: ${kinds.join(' + ').slice(0, 200)}`;
  },
};
export default target;
