import { randomUUID } from 'node:crypto';
import { ServiceError, type ServiceReply } from './service-error.js';
import { toXml, type XmlNode } from './xml.js';

const XMLNS = 'http://rds.amazonaws.com/doc/2014-10-31/';

export type ActivityStreamStatus = 'stopped' | 'starting' | 'started' | 'stopping';

/** What the lab knows of a cluster or an instance, with its activity stream. */
export interface LabDatabase {
  kind: 'cluster' | 'instance';
  identifier: string;
  arn: string;
  resourceId: string;
  engine: string;
  engineVersion: string;
  activityStream: {
    status: ActivityStreamStatus;
    mode?: 'sync' | 'async';
    kinesisStreamName?: string;
    kmsKeyId?: string;
    engineNativeAuditFieldsIncluded?: boolean;
  };
}

export interface LocalRdsOptions {
  region: string;
  accountId: string;
}

/**
 * Amazon RDS as das-read uses it, over the real query protocol (form-encoded Action=…,
 * XML answers), so the real SDK client talks to it.
 */
export class LocalRds {
  readonly #databases = new Map<string, LabDatabase>();

  constructor(private readonly options: LocalRdsOptions) {}

  addDatabase(kind: LabDatabase['kind'], identifier: string, engine: string, engineVersion: string, resourceId?: string): LabDatabase {
    const database: LabDatabase = {
      kind,
      identifier,
      arn: `arn:aws:rds:${this.options.region}:${this.options.accountId}:${kind === 'cluster' ? 'cluster' : 'db'}:${identifier}`,
      resourceId: resourceId ?? newResourceId(kind === 'cluster' ? 'cluster-' : 'db-'),
      engine,
      engineVersion,
      activityStream: { status: 'stopped' },
    };
    this.#databases.set(`${kind}/${identifier}`, database);
    return database;
  }

  /** A cluster or instance by identifier or ARN. */
  find(kind: LabDatabase['kind'], identifierOrArn: string): LabDatabase | undefined {
    const identifier = identifierOrArn.startsWith('arn:') ? identifierOrArn.split(':').at(-1) ?? '' : identifierOrArn;
    return this.#databases.get(`${kind}/${identifier}`);
  }

  list(kind: LabDatabase['kind']): LabDatabase[] {
    return [...this.#databases.values()].filter((database) => database.kind === kind);
  }

  handle(form: URLSearchParams): ServiceReply {
    const action = form.get('Action') ?? '';
    try {
      return xmlReply(action, this.#dispatch(action, form));
    } catch (error) {
      if (error instanceof ServiceError) return queryError(error);
      throw error;
    }
  }

  #dispatch(action: string, form: URLSearchParams): XmlNode {
    switch (action) {
      case 'DescribeDBClusters':
        return { DBClusters: { itemName: 'DBCluster', items: this.#select('cluster', form.get('DBClusterIdentifier')).map(clusterXml) } };
      case 'DescribeDBInstances':
        return { DBInstances: { itemName: 'DBInstance', items: this.#select('instance', form.get('DBInstanceIdentifier')).map(instanceXml) } };
      default:
        throw new ServiceError('InvalidAction', `The lab RDS does not implement ${action || 'that action'}`);
    }
  }

  #select(kind: LabDatabase['kind'], identifier: string | null): LabDatabase[] {
    if (!identifier) return this.list(kind);
    const database = this.find(kind, identifier);
    if (!database) {
      throw kind === 'cluster'
        ? new ServiceError('DBClusterNotFoundFault', `DBCluster ${identifier} not found.`, 404)
        : new ServiceError('DBInstanceNotFound', `DBInstance ${identifier} not found.`, 404);
    }
    return [database];
  }
}

function clusterXml(cluster: LabDatabase): XmlNode {
  return {
    DBClusterIdentifier: cluster.identifier,
    DBClusterArn: cluster.arn,
    DbClusterResourceId: cluster.resourceId,
    Engine: cluster.engine,
    EngineVersion: cluster.engineVersion,
    Status: 'available',
    ...activityStreamXml(cluster),
  };
}

function instanceXml(instance: LabDatabase): XmlNode {
  return {
    DBInstanceIdentifier: instance.identifier,
    DBInstanceArn: instance.arn,
    DbiResourceId: instance.resourceId,
    Engine: instance.engine,
    EngineVersion: instance.engineVersion,
    DBInstanceStatus: 'available',
    ...activityStreamXml(instance),
    ActivityStreamEngineNativeAuditFieldsIncluded: instance.activityStream.engineNativeAuditFieldsIncluded,
    ActivityStreamPolicyStatus: instance.activityStream.status === 'started' ? 'locked' : 'unlocked',
  };
}

function activityStreamXml(database: LabDatabase): XmlNode {
  const stream = database.activityStream;
  return {
    ActivityStreamStatus: stream.status,
    ActivityStreamMode: stream.mode,
    ActivityStreamKinesisStreamName: stream.kinesisStreamName,
    ActivityStreamKmsKeyId: stream.kmsKeyId,
  };
}

function xmlReply(action: string, result: XmlNode): ServiceReply {
  const body =
    `<${action}Response xmlns="${XMLNS}">` +
    toXml(`${action}Result`, result) +
    toXml('ResponseMetadata', { RequestId: randomUUID() }) +
    `</${action}Response>`;
  return { status: 200, contentType: 'text/xml', body };
}

/** Query-protocol errors: the SDK reads the code from <Error><Code>. */
export function queryError(error: ServiceError): ServiceReply {
  const body =
    `<ErrorResponse xmlns="${XMLNS}">` +
    toXml('Error', { Type: error.status >= 500 ? 'Receiver' : 'Sender', Code: error.code, Message: error.message }) +
    toXml('RequestId', randomUUID()) +
    '</ErrorResponse>';
  return { status: error.status, contentType: 'text/xml', body };
}

// RDS resource ids: a prefix and 26 characters of base32.
function newResourceId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = new Uint8Array(26);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (byte) => alphabet[byte % 32]).join('');
}
