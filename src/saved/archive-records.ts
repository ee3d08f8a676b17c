import { decodeBase64Strict } from '../decode/base64.js';
import type { RawRecord } from '../kinesis/raw-record.js';

/** A record found in an archive, or bytes there that are none: `problem` says why, and the record holds them. */
export interface ArchiveItem {
  record: RawRecord;
  problem?: string;
}

export interface ArchiveOptions {
  /** The file's name, for messages and for the records' ids. */
  name: string;
  /** The places are in the gunzipped bytes. */
  gzipped: boolean;
  /** A JSON object longer than this is reported, not held. */
  maxRecordBytes: number;
}

const OPEN = 0x7b;
const CLOSE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * The records of an archive, in order: Amazon Data Firehose's raw delivery to S3 (the Kinesis
 * records' data back to back, with or without newlines between them), das-read's dead letters,
 * and Firehose's processing-failed records (their `rawData`). The bytes are cut into JSON objects
 * by their braces, strings and escapes respected; each object is then JSON.parse's. Anything
 * else is reported where it is, and the next object is read: nothing after a bad patch is lost.
 */
export async function* archiveRecords(content: AsyncIterable<Buffer> | Iterable<Buffer>, options: ArchiveOptions): AsyncGenerator<ArchiveItem> {
  const { name, maxRecordBytes } = options;
  let offset = 0;
  // The object or the run of other bytes being read: where it started and what was kept of it.
  let start = -1;
  let kind: 'object' | 'other' | undefined;
  let parts: Buffer[] = [];
  let held = 0;
  let oversize = false;
  let depth = 0;
  let inString = false;
  let escaped = false;

  const place = (at: number) => `byte ${at} of ${name}${options.gzipped ? ' (gunzipped)' : ''}`;
  const keep = (piece: Buffer) => {
    if (oversize) return;
    if (held + piece.length > maxRecordBytes) {
      oversize = true;
      parts = [];
      return;
    }
    parts.push(piece);
    held += piece.length;
  };
  const finish = (problem?: string): ArchiveItem => {
    const bytes = Buffer.concat(parts);
    const at = start;
    const what = kind;
    const size = held;
    const tooLong = oversize;
    parts = [];
    held = 0;
    oversize = false;
    kind = undefined;
    start = -1;
    depth = 0;
    inString = false;
    escaped = false;
    if (tooLong) return unreadable(at, `${what === 'object' ? 'a JSON object' : 'bytes that are not JSON'} longer than ${maxRecordBytes} bytes: not an activity stream record`);
    if (problem) return unreadable(at, problem, bytes);
    if (what === 'other') return unreadable(at, `${size} byte${size === 1 ? '' : 's'} that are not a JSON object: not an activity stream record`, bytes);
    return recordOf(bytes, at, place(at), name);
  };
  const unreadable = (at: number, problem: string, bytes: Buffer = Buffer.alloc(0)): ArchiveItem => ({
    record: { shardId: name, sequenceNumber: String(at), data: bytes, place: place(at) },
    problem,
  });

  try {
    for await (const chunk of content) {
      let from = 0;
      let index = 0;
      while (index < chunk.length) {
        const byte = chunk[index] as number;
        if (kind === undefined) {
          if (isSpace(byte)) {
            index++;
            from = index;
            continue;
          }
          kind = byte === OPEN ? 'object' : 'other';
          start = offset + index;
          from = index;
          depth = 0;
        }
        if (kind === 'other') {
          const next = chunk.indexOf(OPEN, index);
          if (next === -1) {
            index = chunk.length;
            continue;
          }
          keep(chunk.subarray(from, next));
          yield finish();
          index = next;
          from = next;
          continue;
        }
        if (inString) {
          if (escaped) {
            escaped = false;
            index++;
            continue;
          }
          // Most of a record is one long base64 string: jump to what can end or escape it.
          const quote = chunk.indexOf(QUOTE, index);
          const backslash = chunk.indexOf(BACKSLASH, index);
          const next = backslash !== -1 && (quote === -1 || backslash < quote) ? backslash : quote;
          if (next === -1) {
            index = chunk.length;
            continue;
          }
          if (next === backslash) escaped = true;
          else inString = false;
          index = next + 1;
          continue;
        }
        if (byte === QUOTE) inString = true;
        else if (byte === OPEN) depth++;
        else if (byte === CLOSE && --depth === 0) {
          keep(chunk.subarray(from, index + 1));
          index++;
          from = index;
          yield finish();
          continue;
        }
        index++;
      }
      if (kind !== undefined) keep(chunk.subarray(from));
      offset += chunk.length;
    }
  } catch (error) {
    // Damaged or cut-off gzip: what came before is read; the rest of the file cannot be.
    const reason = `${(error as Error).message} (${String((error as NodeJS.ErrnoException).code ?? 'unreadable')}): the rest of ${name} cannot be read`;
    if (kind === undefined) start = offset;
    yield finish(reason);
    return;
  }
  if (kind === 'object') yield finish(`${name} ends inside a JSON object: a record cut short`);
  else if (kind === 'other') yield finish();
}

/** An object's bytes as the record they hold: the object itself, or the data a dead letter keeps. */
function recordOf(bytes: Buffer, at: number, where: string, name: string): ArchiveItem {
  const fallback: ArchiveItem = { record: { shardId: name, sequenceNumber: String(at), data: bytes, place: where } };
  // Only a kept record's envelope is read here; the record itself is the decoder's to judge.
  if (bytes.indexOf('"rawData"') === -1 && bytes.indexOf('"sequenceNumber"') === -1) return fallback;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return fallback;
  }
  const fields = value as Record<string, unknown>;
  if (typeof fields.rawData === 'string') {
    // Firehose's processing-failed and delivery-failed records keep the record's data as rawData.
    const data = decodeBase64Strict(fields.rawData);
    if (!data) return { ...fallback, problem: 'a Firehose error record whose "rawData" is not valid base64' };
    const arrival = typeof fields.arrivalTimestamp === 'number' ? new Date(fields.arrivalTimestamp) : undefined;
    return { record: { shardId: name, sequenceNumber: String(at), data, place: `${where} (Firehose's rawData)`, ...(arrival ? { arrivalTime: arrival } : {}) } };
  }
  if (typeof fields.data === 'string' && typeof fields.shardId === 'string' && typeof fields.sequenceNumber === 'string') {
    // das-read's own dead letter: the record keeps its place in the stream, and so its events' ids.
    const data = decodeBase64Strict(fields.data);
    if (!data) return { ...fallback, problem: 'a dead letter whose "data" is not valid base64' };
    const arrival = typeof fields.arrivalTime === 'string' ? new Date(fields.arrivalTime) : undefined;
    return {
      record: {
        shardId: fields.shardId,
        sequenceNumber: fields.sequenceNumber,
        data,
        place: `${where} (the dead letter of record ${fields.sequenceNumber} in ${fields.shardId})`,
        ...(arrival && !Number.isNaN(arrival.getTime()) ? { arrivalTime: arrival } : {}),
      },
    };
  }
  return fallback;
}
