// @ts-check
// Plain JavaScript, as every module a decryption thread loads: it runs as it is from src/ and dist/.
import { Buffer } from 'node:buffer';
import { nestedDeeperThan, parseJsonObject } from './json-object.js';
import { MAX_EVENT_DEPTH } from './record-limits.js';

const ACTIVITY_RECORD_TYPE = 'DatabaseActivityMonitoringRecord';

/**
 * A decrypted record, its events kept as JSON text: the thread that opens a record
 * serialises its events, so the thread that writes them only copies bytes. The record is one
 * JSON document: splitting it takes a parse here (a parser of our own to find each event's
 * bytes would be hand-written message parsing). The main thread then parses an event only
 * when a filter or a form needs its fields, and once (DecodedActivityRecord.events).
 * @typedef {object} OpenedRecord
 * @property {string | null} clusterId
 * @property {string | null} instanceId
 * @property {Uint8Array<ArrayBuffer>} text every event's JSON, fields in their order, one after another in UTF-8
 * @property {number[]} ends where each event's JSON ends in `text`
 * @property {number[]} heartbeats the places of the heartbeat events
 * @property {number[]} ownIds the places of the events that carry a field named clusterId,
 *   instanceId or eventId of their own: the names ndjson adds to every event
 */

/**
 * Parses the decrypted, decompressed JSON; throws an Error whose message is the reason.
 * @param {string} text
 * @returns {OpenedRecord}
 */
export function openActivityRecord(text) {
  const record = parseJsonObject(text, 'the decrypted payload');
  if (record.type !== ACTIVITY_RECORD_TYPE) {
    throw new Error(`the decrypted payload has type ${JSON.stringify(record.type)}, not ${ACTIVITY_RECORD_TYPE}`);
  }
  const list = record.databaseActivityEventList;
  if (!Array.isArray(list)) throw new Error('the decrypted payload has no databaseActivityEventList');
  /** @type {string[]} */
  const texts = new Array(list.length);
  /** @type {number[]} */
  const heartbeats = [];
  /** @type {number[]} */
  const ownIds = [];
  for (let index = 0; index < list.length; index++) {
    const event = list[index];
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new Error('the decrypted payload has an event that is not a JSON object');
    }
    if (event.type === 'heartbeat') heartbeats.push(index);
    if (carriesIdField(event)) ownIds.push(index);
    texts[index] = eventJson(event);
  }
  return { clusterId: idOf(record.clusterId), instanceId: idOf(record.instanceId), ...eventText(texts), heartbeats, ownIds };
}

/**
 * An event's JSON, if it nests no deeper than MAX_EVENT_DEPTH; throws otherwise. Nesting
 * `d` levels takes `2d` characters at least: only a longer text is searched, which most are not.
 * @param {object} event
 */
function eventJson(event) {
  let json;
  try {
    json = JSON.stringify(event);
  } catch (error) {
    if (error instanceof RangeError && nestedDeeperThan(event, MAX_EVENT_DEPTH)) throw tooDeep();
    throw error;
  }
  if (json.length > 2 * MAX_EVENT_DEPTH && nestedDeeperThan(event, MAX_EVENT_DEPTH)) throw tooDeep();
  return json;
}

function tooDeep() {
  return new Error(`the decrypted payload has an event nested more than ${MAX_EVENT_DEPTH} levels deep, past what das-read writes`);
}

/**
 * Events' JSON as one run of UTF-8 in a buffer of its own. A decryption thread hands the
 * buffer over whole, where strings would be copied one by one and rebuilt as new strings on
 * the main thread, whose collector then spent more on them than on anything else it does.
 * @param {string[]} texts
 * @returns {{ text: Uint8Array<ArrayBuffer>, ends: number[] }}
 */
export function eventText(texts) {
  /** @type {number[]} */
  const ends = new Array(texts.length);
  let length = 0;
  for (let index = 0; index < texts.length; index++) ends[index] = length += Buffer.byteLength(/** @type {string} */ (texts[index]));
  // Not from Node's shared pool, which could not be handed over.
  const text = Buffer.alloc(length);
  let at = 0;
  for (const json of texts) at += text.write(json, at);
  return { text, ends };
}

/**
 * Whether an event has a field of one of the names ndjson adds: asked here, of the object,
 * so that the thread writing the event's text need not search it.
 * @param {object} event
 */
export function carriesIdField(event) {
  return 'clusterId' in event || 'instanceId' in event || 'eventId' in event;
}

/** @param {unknown} value */
function idOf(value) {
  return typeof value === 'string' ? value : null;
}
