import { UserError } from '../errors.js';

export type EncryptionContext = Record<string, string>;

/**
 * RDS binds each data key to the resource that produced it: `aws:rds:dbc-id` for an
 * Aurora cluster (`cluster-…`), `aws:rds:db-id` for an RDS instance (`db-…`).
 */
export function encryptionContextFor(resourceId: string): EncryptionContext {
  if (resourceId.startsWith('cluster-')) return { 'aws:rds:dbc-id': resourceId };
  if (resourceId.startsWith('db-')) return { 'aws:rds:db-id': resourceId };
  throw new UserError(`"${resourceId}" is not an RDS resource id: it should start with "cluster-" (Aurora) or "db-" (RDS instance)`);
}

export function describeContext(context: EncryptionContext): string {
  return Object.entries(context)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}
