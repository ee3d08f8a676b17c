import { decodeBase64Strict } from '../decode/base64.js';
import type { RawRecord } from '../kinesis/raw-record.js';
import { archivePieces, type ArchivePiece } from './archive-pieces.js';
import { recordStartAt } from './record-start.js';
import { eventLineKind, showCommand } from './event-lines.js';

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

/** Bytes that hold no record, met one after another: reported as one span, kept whole when it fits the bound. */
interface Damage {
  start: number;
  end: number;
  parts: Buffer[];
  size: number;
  over: boolean;
  reasons: Set<string>;
}

/**
 * The records of an archive, in order: Amazon Data Firehose's raw delivery to S3 (the Kinesis
 * records' data back to back, with or without newlines between them), das-read's dead letters,
 * and Firehose's processing-failed records (their `rawData`). The bytes are cut into JSON objects
 * (archive-pieces.ts); a record cut short ends where the next one begins. What holds no record
 * (bytes that are no JSON object, an object that does not parse, a record cut short, the end of
 * readable gzip) is one item for each span of such bytes, named by its first and last byte:
 * nothing after a bad patch is lost, and one bad patch is one report.
 */
export async function* archiveRecords(content: AsyncIterable<Buffer> | Iterable<Buffer>, options: ArchiveOptions): AsyncGenerator<ArchiveItem> {
  const { name, maxRecordBytes } = options;
  const gunzipped = options.gzipped ? ' (gunzipped)' : '';
  let damage: Damage | undefined;

  const flush = (): ArchiveItem | undefined => {
    if (!damage) return undefined;
    const { start, end, parts, size, over, reasons } = damage;
    damage = undefined;
    const where = size === 0 ? `byte ${start} of ${name}${gunzipped}` : `bytes ${start} to ${end - 1} of ${name}${gunzipped}`;
    if (over) reasons.add(`longer than ${maxRecordBytes} bytes, not kept`);
    return {
      record: { shardId: name, sequenceNumber: String(start), data: over ? Buffer.alloc(0) : Buffer.concat(parts), place: where },
      problem: `${size} byte${size === 1 ? '' : 's'} that are no activity stream record: ${[...reasons].join('; ')}`,
    };
  };
  const damaged = (piece: ArchivePiece, reason: string) => {
    const gap = damage ? piece.start - damage.end : 0;
    if (!damage) damage = { start: piece.start, end: piece.start, parts: [], size: 0, over: false, reasons: new Set() };
    // The whitespace between two bad pieces is part of the span, so that what is kept is the file's bytes.
    if (gap > 0) {
      if (piece.lead?.length === gap) damage.parts.push(piece.lead);
      else damage.over = true;
    }
    if (piece.bytes) damage.parts.push(piece.bytes);
    else damage.over = true;
    damage.size = piece.end - damage.start;
    damage.end = piece.end;
    if (damage.size > maxRecordBytes) damage.over = true;
    if (damage.over) damage.parts = [];
    damage.reasons.add(reason);
  };

  for await (const pieces of archivePieces(content, maxRecordBytes)) {
    for (const piece of pieces) {
      switch (piece.what) {
        case 'object':
          if (piece.bytes && isRecordLike(piece.bytes)) {
            const bad = flush();
            if (bad) yield bad;
            yield recordOf(piece.bytes, piece.start, `byte ${piece.start} of ${name}${gunzipped}`, name);
          } else damaged(piece, piece.bytes ? 'an object that is no record' : 'a JSON object');
          break;
        case 'other':
          damaged(piece, 'not a JSON object');
          break;
        case 'cut':
          damaged(piece, 'a record cut short where the next one begins');
          break;
        case 'ended':
          damaged(piece, `a record cut short by the end of ${name}`);
          break;
        case 'unreadable':
          damaged(piece, `${piece.reason ?? 'unreadable'}: the rest of ${name} cannot be read`);
          break;
      }
    }
  }
  const bad = flush();
  if (bad) yield bad;
}

/** Keys without one of which no object is a record das-read can read (recordOf's, and the wrapper's). */
const RECORD_KEYS = ['"type"', '"rawData"', '"data"'];

/**
 * An object the decoder is to judge: one that opens as a record does (parsing it here would be
 * the decoder's work twice), or JSON that names a record's key in another order. Anything else is
 * part of a damaged span; bytes that cannot be a record cost no parse (nor a parse's exception).
 */
function isRecordLike(bytes: Buffer): boolean {
  if (recordStartAt(bytes, 0, true)) return true;
  if (!RECORD_KEYS.some((key) => bytes.includes(key))) return false;
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/** An object's bytes as the record they hold: the object itself, or the data a dead letter keeps. */
function recordOf(bytes: Buffer, at: number, where: string, name: string): ArchiveItem {
  const fallback: ArchiveItem = { record: { shardId: name, sequenceNumber: String(at), data: bytes, place: where } };
  // das-read's own output given back to decode: an event with its eventId, not the encrypted record it came from.
  if (bytes.indexOf('"eventId"') !== -1 && eventLineKind(bytes.toString('utf8')) === 'das-read') return { ...fallback, problem: ownEventProblem(name) };
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
    return {
      record: { shardId: name, sequenceNumber: String(at), data, place: `${where} (Firehose's rawData)`, ...(arrival ? { arrivalTime: arrival } : {}) },
    };
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

function ownEventProblem(name: string): string {
  return `an event das-read wrote (it has an eventId), not an activity stream record: \`${showCommand(name)}\` reads das-read's own output`;
}
