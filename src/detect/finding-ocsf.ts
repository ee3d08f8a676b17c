import { activityOf, ACTIVITY, endpointOf, engineOf, OCSF_VERSION, productOf } from '../events/ocsf.js';
import { fieldText } from '../events/field-text.js';
import { attackTags } from './attack-tags.js';
import { factsOf, momentOf, SEVERITY } from './finding-facts.js';
import type { Finding, SeenEvent } from './finding.js';
import { partitionOf, type FindingPlace } from './finding-place.js';

/**
 * A finding as an OCSF 1.1.0 Detection Finding (class 2004), beside the Datastore Activity events
 * -o ocsf writes: the same cloud, the same product, and the database as the affected resource (the
 * class has no `database`). Its evidence is named by the events' ids, the ids -o ndjson and -o ocsf
 * give them, so a SIEM can join the two.
 */

const CATEGORY_UID = 2;
const CLASS_UID = 2004;
const CREATE = 1;
/** string_t's bound in OCSF's dictionary. */
const MAX_STRING = 65_535;

/** The statements a finding shows at most, and the characters of each. */
export const MAX_STATEMENT = 4096;

export type OcsfFinding = Record<string, unknown>;

export function toOcsfFinding(finding: Finding, place: FindingPlace = {}): OcsfFinding {
  const { rule } = finding;
  const facts = factsOf(finding);
  const severity = SEVERITY[rule.level] ?? { id: 0, name: 'Unknown' };
  const first = momentOf(finding.first)?.getTime();
  const last = momentOf(finding.last)?.getTime();
  const { techniques, tactics } = attackTags(rule.tags);
  const attacks = [
    ...techniques.map((uid) => ({ technique: { uid }, ...(tactics.length === 1 ? { tactic: tactics[0] } : {}) })),
    ...(techniques.length === 0 ? tactics.map((tactic) => ({ tactic })) : []),
  ];
  const engine = engineOf(facts.serverType);
  const resourceUid = place.databaseArn ?? facts.clusterIds[0] ?? facts.instanceIds[0];
  const resource = {
    type: engine?.type ?? (facts.serverType || 'Database'),
    ...(resourceUid ? { uid: resourceUid } : { name: 'unknown' }),
    ...(place.region ? { region: place.region, cloud_partition: partitionOf(place.region) } : {}),
    data: {
      ...(facts.clusterIds.length ? { clusterIds: facts.clusterIds } : {}),
      ...(facts.instanceIds.length ? { instanceIds: facts.instanceIds } : {}),
      ...(facts.databases.length ? { databaseNames: facts.databases } : {}),
    },
  };
  const user = facts.users.length === 1 ? facts.users[0] : undefined;
  const unmapped = Object.create(null) as Record<string, unknown>;
  unmapped.eventCount = finding.eventCount;
  unmapped.ruleSource = rule.source;
  unmapped.ruleLevel = rule.level;
  if (finding.group) unmapped.group = finding.group;
  if (facts.users.length) unmapped.dbUserNames = facts.users;
  if (facts.hosts.length) unmapped.remoteHosts = facts.hosts;
  if (facts.databases.length) unmapped.databaseNames = facts.databases;
  return {
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    class_uid: CLASS_UID,
    class_name: 'Detection Finding',
    activity_id: CREATE,
    activity_name: 'Create',
    type_uid: CLASS_UID * 100 + CREATE,
    type_name: 'Detection Finding: Create',
    time: last ?? first ?? 0,
    ...(first !== undefined ? { start_time: first } : {}),
    ...(last !== undefined ? { end_time: last } : {}),
    timezone_offset: 0,
    severity_id: severity.id,
    severity: severity.name,
    status_id: 1,
    status: 'New',
    // Reading a stream blocks nothing: the activity happened, and das-read saw it.
    action_id: 1,
    action: 'Allowed',
    disposition_id: 15,
    disposition: 'Detected',
    message: text(rule.title),
    finding_info: {
      uid: finding.uid,
      title: text(rule.title) || rule.id,
      ...(rule.description.trim() ? { desc: text(rule.description) } : {}),
      analytic: { uid: rule.id, name: text(rule.title) || rule.id, type_id: 1, type: 'Rule' },
      ...(first !== undefined ? { first_seen_time: first } : {}),
      ...(last !== undefined ? { last_seen_time: last } : {}),
      related_events: finding.evidence.map(relatedEvent),
      ...(attacks.length ? { attacks } : {}),
      ...(rule.tags.length ? { types: rule.tags } : {}),
      data_sources: ['Database Activity Stream'],
    },
    ...(attacks.length ? { attacks } : {}),
    ...(user !== undefined ? { actor: { user: { name: user } } } : {}),
    evidences: finding.evidence.map(evidenceOf),
    resources: [resource],
    cloud: {
      provider: 'AWS',
      ...(place.region ? { region: place.region } : {}),
      ...(place.accountId ? { account: { uid: place.accountId, type_id: 10, type: 'AWS Account' } } : {}),
    },
    metadata: {
      version: OCSF_VERSION,
      uid: finding.uid,
      product: productOf(facts.serverType, place.readerVersion),
      log_name: 'Database Activity Stream',
      log_provider: 'das-read',
      event_code: rule.id,
      // actor is the host profile's: a consumer that reads attributes by profile finds it only so.
      profiles: user !== undefined ? ['cloud', 'security_control', 'host'] : ['cloud', 'security_control'],
    },
    unmapped,
  };
}

/** An evidence event by its id and the type of activity -o ocsf gives it. */
function relatedEvent(seen: SeenEvent): Record<string, unknown> {
  const activity = ACTIVITY[activityOf(seen.event)];
  return { uid: seen.eventId, type_uid: 6005 * 100 + activity, product_uid: 'das-read' };
}

/** Who did it, from where, and the statement, as the event said them. */
function evidenceOf(seen: SeenEvent): Record<string, unknown> {
  const { event } = seen;
  const user = fieldText(event.dbUserName);
  const statement = fieldText(event.commandText);
  const data: Record<string, unknown> = { eventId: seen.eventId };
  for (const field of ['logTime', 'class', 'command', 'databaseName', 'objectName', 'clientApplication', 'exitCode', 'errorMessage', 'rowCount']) {
    if (event[field] !== undefined && event[field] !== null && event[field] !== '') data[field] = event[field];
  }
  if (statement) data.commandText = statement.slice(0, MAX_STRING);
  return {
    ...(user ? { actor: { user: { name: user.slice(0, MAX_STRING) } } } : {}),
    src_endpoint: endpointOf(event.remoteHost, event.remotePort),
    data,
  };
}

const text = (value: string) => value.slice(0, MAX_STRING);
