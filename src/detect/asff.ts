import { fieldText } from '../events/field-text.js';
import { attackTags } from './attack-tags.js';
import { factsOf, momentOf } from './finding-facts.js';
import type { Finding } from './finding.js';
import { partitionOf, type FindingPlace } from './finding-place.js';

/**
 * A finding in the AWS Security Finding Format, as Security Hub's BatchImportFindings takes it from
 * a custom integration: the account's own `product/<account>/default`. Every value is data in JSON:
 * Security Hub's console shows it as text. Bounded to ASFF's limits (Title 256, Description 1024,
 * ProductFields values 2048), so no finding is refused for its length.
 */

export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** Where the findings are imported: both are required fields. */
export interface AsffPlace extends FindingPlace {
  region: string;
  accountId: string;
}

export type AsffSeverity = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface AsffResource {
  Type: string;
  Id: string;
  Partition: string;
  Region: string;
  Details?: { Other: Record<string, string> };
}

export interface AsffFinding {
  SchemaVersion: string;
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  FirstObservedAt?: string;
  LastObservedAt?: string;
  Severity: { Label: AsffSeverity; Original: string };
  Title: string;
  Description: string;
  Resources: AsffResource[];
  ProductFields: Record<string, string>;
  RecordState: 'ACTIVE';
  Workflow: { Status: 'NEW' };
}

/** ASFF's Types for ATT&CK's tactics: TTPs where it has the category, Effects for what a tactic does to data. */
const TYPE_OF_TACTIC: Readonly<Record<string, string>> = {
  'Initial Access': 'TTPs/Initial Access',
  Execution: 'TTPs/Execution',
  Persistence: 'TTPs/Persistence',
  'Privilege Escalation': 'TTPs/Privilege Escalation',
  'Defense Evasion': 'TTPs/Defense Evasion',
  'Credential Access': 'TTPs/Credential Access',
  Discovery: 'TTPs/Discovery',
  'Lateral Movement': 'TTPs/Lateral Movement',
  Collection: 'TTPs/Collection',
  'Command and Control': 'TTPs/Command and Control',
  Exfiltration: 'Effects/Data Exfiltration',
  Impact: 'Effects/Data Destruction',
  Reconnaissance: 'TTPs/Discovery',
  'Resource Development': 'Unusual Behaviors/User',
};

const MAX_TITLE = 256;
const MAX_DESCRIPTION = 1024;
const MAX_FIELD = 2048;
const MAX_STATEMENTS = 5;

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The finding's types from its rule's tactics; a rule without one is an unusual behaviour of a user. */
export function asffTypes(tags: readonly string[]): string[] {
  const types = [...new Set(attackTags(tags).tactics.map((tactic) => TYPE_OF_TACTIC[tactic.name] ?? 'Unusual Behaviors/User'))];
  return types.length ? types : ['Unusual Behaviors/User'];
}

/** The database as a resource: by its ARN when known, else by the resource id the events carry. */
function resourcesOf(finding: Finding, place: AsffPlace): AsffResource[] {
  const Partition = partitionOf(place.region);
  const Region = place.region;
  if (place.databaseArn) {
    const instance = place.databaseArn.split(':')[5] === 'db';
    return [{ Type: instance ? 'AwsRdsDbInstance' : 'AwsRdsDbCluster', Id: place.databaseArn, Partition, Region }];
  }
  const facts = factsOf(finding);
  // An Aurora record names its cluster; RDS for Oracle and SQL Server name only the instance.
  const ids = facts.clusterIds.length ? facts.clusterIds : facts.instanceIds;
  const resources = ids.slice(0, 32).map((id) => ({ Type: 'Other', Id: cut(id, 512), Partition, Region, Details: { Other: { resourceId: cut(id, 1024) } } }));
  return resources.length ? resources : [{ Type: 'Other', Id: `arn:${Partition}:rds:${Region}:${place.accountId}:unknown`, Partition, Region }];
}

function isoOf(text: string, fallback: Date): string {
  return (momentOf(text) ?? fallback).toISOString();
}

/**
 * One finding in ASFF. Its Id is the finding's uid, stable for the same rule and evidence: a
 * re-run imports the same finding again, which Security Hub updates rather than adds. Its times are
 * the evidence's own (`now` only stands in for a time an event did not give), so a repeat is the
 * same document.
 */
export function toAsff(finding: Finding, place: AsffPlace, now: Date = new Date()): AsffFinding {
  const { rule } = finding;
  const facts = factsOf(finding);
  const first = isoOf(finding.first, now);
  const last = isoOf(finding.last, now);
  // The statements that made it, the first few: what an analyst reads first in Security Hub.
  const statements = [...new Set(finding.evidence.map((seen) => fieldText(seen.event.commandText).trim()).filter(Boolean))].slice(0, MAX_STATEMENTS);
  const productArn = `arn:${partitionOf(place.region)}:securityhub:${place.region}:${place.accountId}:product/${place.accountId}/default`;
  const fields: Record<string, string> = {
    'das-read/ruleId': rule.id,
    'das-read/ruleSource': rule.source,
    'das-read/level': rule.level,
    'das-read/eventCount': String(finding.eventCount),
    'das-read/eventIds': finding.evidence.map((seen) => seen.eventId).join(' '),
    ...(facts.users.length ? { 'das-read/dbUserName': facts.users.join(' ') } : {}),
    ...(facts.hosts.length ? { 'das-read/remoteHost': facts.hosts.join(' ') } : {}),
    ...(facts.databases.length ? { 'das-read/databaseName': facts.databases.join(' ') } : {}),
    ...(statements.length ? { 'das-read/statements': statements.join('\n') } : {}),
    ...(place.readerVersion ? { 'das-read/version': place.readerVersion } : {}),
  };
  for (const [key, value] of Object.entries(finding.group ?? {})) fields[cut(`das-read/group/${key}`, 128)] = value;
  const said = rule.description.trim() || rule.title.trim() || rule.id;
  const context = [
    facts.users.length ? `by ${facts.users.join(', ')}` : '',
    facts.hosts.length ? `from ${facts.hosts.join(', ')}` : '',
    facts.databases.length ? `on ${facts.databases.join(', ')}` : '',
  ].filter(Boolean);
  const description = `${said}${/[.!?]$/.test(said) ? '' : '.'} ${finding.eventCount} event${finding.eventCount === 1 ? '' : 's'}${context.length ? ` ${context.join(' ')}` : ''}.`;
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: `das-read/${cut(rule.id, 256)}/${finding.uid}`,
    ProductArn: productArn,
    GeneratorId: cut(rule.id, 512),
    AwsAccountId: place.accountId,
    Types: asffTypes(rule.tags),
    CreatedAt: first,
    UpdatedAt: last,
    FirstObservedAt: first,
    LastObservedAt: last,
    Severity: { Label: rule.level.toUpperCase() as AsffSeverity, Original: rule.level },
    Title: cut(rule.title.trim() || rule.id, MAX_TITLE),
    Description: cut(description, MAX_DESCRIPTION),
    Resources: resourcesOf(finding, place),
    ProductFields: Object.fromEntries(
      Object.entries(fields)
        .slice(0, 50)
        .map(([key, value]) => [key, cut(value, MAX_FIELD)]),
    ),
    RecordState: 'ACTIVE',
    Workflow: { Status: 'NEW' },
  };
}
