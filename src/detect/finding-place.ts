import { placeOfArn } from '../aws/stream-target.js';

/** Where findings come from, as far as the reader knows: the database's ARN, its region and account. */
export interface FindingPlace {
  region?: string;
  accountId?: string;
  /** `arn:aws:rds:<region>:<account>:cluster:<name>` or `…:db:<name>`, when RDS gave it or the user named it. */
  databaseArn?: string;
  readerVersion?: string;
}

/** An AWS region's name (us-east-1, us-gov-west-1, cn-north-1): a region goes into ARNs, where anything else breaks them. */
export function isRegionName(region: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region);
}

/** The partition a region is in: ARNs name it. */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * `--cluster prod` (or an ARN) with saved files: the database the events are from, named without
 * asking RDS. An ARN gives its region and account; a name needs both to make one.
 */
export function placeOfName(kind: 'cluster' | 'instance', name: string, known: { region?: string; accountId?: string }): FindingPlace {
  if (name.startsWith('arn:')) {
    const place = placeOfArn(name);
    return { ...known, ...place, databaseArn: name };
  }
  const { region, accountId } = known;
  if (!region || !accountId) return { ...known };
  return { ...known, databaseArn: `arn:${partitionOf(region)}:rds:${region}:${accountId}:${kind === 'cluster' ? 'cluster' : 'db'}:${name}` };
}
