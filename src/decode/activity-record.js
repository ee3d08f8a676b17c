// @ts-check
// Plain JavaScript, as every module a decryption thread loads: it runs as it is from src/ and dist/.
import { parseJsonObject } from './json-object.js';

const ACTIVITY_RECORD_TYPE = 'DatabaseActivityMonitoringRecord';

/**
 * A decrypted record, its events kept as JSON text: the thread that opens a record
 * serialises its events, so the thread that writes them only joins text.
 * @typedef {object} OpenedRecord
 * @property {string | null} clusterId
 * @property {string | null} instanceId
 * @property {string[]} events each event's JSON, fields in their order
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
  const events = new Array(list.length);
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
    events[index] = JSON.stringify(event);
  }
  return { clusterId: idOf(record.clusterId), instanceId: idOf(record.instanceId), events, heartbeats, ownIds };
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
