import { randomUUID } from 'node:crypto';
import { queryErrorReply, ServiceError, type ServiceReply } from './service-error.js';
import { toXml, type XmlNode } from './xml.js';
import { RdsEvents, type RecordedEvent } from './rds-events.js';

export type { RecordedEvent } from './rds-events.js';

/**
 * The documented messages of RDS-EVENT-0179 and RDS-EVENT-0180 (docs/das-format.md §8). RDS documents
 * them for clusters; for an instance-level stream the lab says "DB instance", as RDS's other instance events do.
 */
export const ACTIVITY_STREAM_STARTED = {
  cluster: 'Database Activity Streams is started on your database cluster',
  instance: 'Database Activity Streams is started on your DB instance',
} as const;
export const ACTIVITY_STREAM_STOPPED = {
  cluster: 'Database Activity Streams is stopped on your database cluster',
  instance: 'Database Activity Streams is stopped on your DB instance',
} as const;

const XMLNS = 'http://rds.amazonaws.com/doc/2014-10-31/';

/** RDS names an activity stream's Kinesis stream after the resource (docs/das-format.md §1). */
export const activityStreamName = (resourceId: string): string => `aws-rds-das-${resourceId}`;

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
  /** Creates and deletes the Kinesis stream behind an activity stream. */
  streams?: ActivityStreamBackend;
  /** How long `starting` and `stopping` last, as RDS's take minutes. */
  transitionMs?: number;
  /** Resolves a KMS key id, ARN or alias to its ARN; throws if there is no such key. */
  resolveKmsKey?: (keyId: string) => string;
  /** The lab's clock (epoch ms): when events happen, and what "the last hour" and "14 days" count from. */
  now?: () => number;
}

export interface ActivityStreamBackend {
  create(database: LabDatabase, streamName: string): Promise<void>;
  delete(database: LabDatabase, streamName: string): Promise<void>;
}

// Aurora MySQL, RDS for Oracle and RDS for SQL Server stream only asynchronously.
const ASYNC_ONLY = /^(aurora-mysql|aurora$|oracle|sqlserver|custom-oracle|custom-sqlserver)/;
const NATIVE_AUDIT_FIELDS = /^(oracle|sqlserver)/;

/**
 * Amazon RDS as das-read uses it, over the real query protocol (form-encoded Action=…,
 * XML answers), so the real SDK client talks to it.
 */
export class LocalRds {
  readonly #databases = new Map<string, LabDatabase>();
  readonly #events: RdsEvents;

  constructor(private readonly options: LocalRdsOptions) {
    this.#events = new RdsEvents(() => this.#now());
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * Records an RDS event as RDS would (DescribeEvents serves it), at `date` (epoch ms; default now):
   * for a test of a message RDS has not documented, or of an event older than RDS keeps.
   */
  recordEvent(event: RecordedEvent): void {
    this.#events.record({ date: this.#now(), ...event });
  }

  /** The activity stream's own events: RDS-EVENT-0179 once started, RDS-EVENT-0180 once stopped. */
  #recordStreamEvent(database: LabDatabase, started: boolean): void {
    this.recordEvent({
      sourceType: database.kind === 'cluster' ? 'db-cluster' : 'db-instance',
      sourceIdentifier: database.identifier,
      sourceArn: database.arn,
      message: started ? ACTIVITY_STREAM_STARTED[database.kind] : ACTIVITY_STREAM_STOPPED[database.kind],
      categories: ['configuration change'],
    });
  }

  /** Marks a database's activity stream started at once (the lab's shortcut past StartActivityStream), with its event. */
  markStarted(database: LabDatabase, stream: LabDatabase['activityStream']): void {
    database.activityStream = { ...stream, status: 'started' };
    this.#recordStreamEvent(database, true);
  }

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
    const identifier = identifierOrArn.startsWith('arn:') ? (identifierOrArn.split(':').at(-1) ?? '') : identifierOrArn;
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
      case 'StartActivityStream':
        return this.#start(form);
      case 'StopActivityStream':
        return this.#stop(form);
      case 'DescribeEvents':
        return this.#events.describe(form);
      default:
        throw new ServiceError('InvalidAction', `The lab RDS does not implement ${action || 'that action'}`);
    }
  }

  #byArn(arn: string | null): LabDatabase {
    const database = arn ? [...this.#databases.values()].find((candidate) => candidate.arn === arn) : undefined;
    if (!database) throw new ServiceError('ResourceNotFoundFault', `The resource ${arn ?? ''} could not be found.`, 404);
    return database;
  }

  #start(form: URLSearchParams): XmlNode {
    const database = this.#byArn(form.get('ResourceArn'));
    const mode = form.get('Mode');
    const keyId = form.get('KmsKeyId');
    const nativeFields = form.get('EngineNativeAuditFieldsIncluded') === 'true';
    if (mode !== 'sync' && mode !== 'async') throw new ServiceError('InvalidParameterValue', 'Mode must be sync or async.');
    if (!keyId) throw new ServiceError('InvalidParameterValue', 'KmsKeyId is required.');
    if (mode === 'sync' && ASYNC_ONLY.test(database.engine)) {
      throw new ServiceError('InvalidParameterCombination', `Synchronous mode isn't supported for the ${database.engine} engine. Use asynchronous mode.`);
    }
    if (nativeFields && !NATIVE_AUDIT_FIELDS.test(database.engine)) {
      throw new ServiceError('InvalidParameterCombination', 'Engine-native audit fields are available only for RDS for Oracle and RDS for SQL Server.');
    }
    if (/^(alias\/aws\/|arn:aws:kms:[^:]*:[^:]*:alias\/aws\/)/.test(keyId)) {
      throw new ServiceError(
        'InvalidParameterValue',
        'The default AWS managed key for RDS cannot be used for database activity streams. Specify a customer managed key.',
      );
    }
    if (database.activityStream.status !== 'stopped') {
      const fault = database.kind === 'cluster' ? 'InvalidDBClusterStateFault' : 'InvalidDBInstanceState';
      throw new ServiceError(fault, `The activity stream of ${database.identifier} is ${database.activityStream.status}.`);
    }
    let kmsKeyArn: string;
    try {
      kmsKeyArn = this.options.resolveKmsKey?.(keyId) ?? keyId;
    } catch {
      throw new ServiceError('KMSKeyNotAccessibleFault', `The specified KMS key ${keyId} does not exist or is not accessible.`);
    }
    const streamName = activityStreamName(database.resourceId);
    database.activityStream = {
      status: 'starting',
      mode,
      kinesisStreamName: streamName,
      kmsKeyId: kmsKeyArn,
      ...(NATIVE_AUDIT_FIELDS.test(database.engine) ? { engineNativeAuditFieldsIncluded: nativeFields } : {}),
    };
    this.#afterTransition(async () => {
      await this.options.streams?.create(database, streamName);
      if (database.activityStream.status === 'starting') {
        database.activityStream.status = 'started';
        this.#recordStreamEvent(database, true);
      }
    }, database);
    return {
      KmsKeyId: kmsKeyArn,
      KinesisStreamName: streamName,
      Status: 'starting',
      Mode: mode,
      ApplyImmediately: form.get('ApplyImmediately') === 'true',
      EngineNativeAuditFieldsIncluded: database.activityStream.engineNativeAuditFieldsIncluded,
    };
  }

  #stop(form: URLSearchParams): XmlNode {
    const database = this.#byArn(form.get('ResourceArn'));
    const stream = database.activityStream;
    if (stream.status !== 'started') {
      const fault = database.kind === 'cluster' ? 'InvalidDBClusterStateFault' : 'InvalidDBInstanceState';
      throw new ServiceError(fault, `The activity stream of ${database.identifier} is ${stream.status}, not started.`);
    }
    stream.status = 'stopping';
    const streamName = stream.kinesisStreamName ?? '';
    this.#afterTransition(async () => {
      await this.options.streams?.delete(database, streamName);
      database.activityStream = { status: 'stopped' };
      this.#recordStreamEvent(database, false);
    }, database);
    return { KmsKeyId: stream.kmsKeyId, KinesisStreamName: streamName, Status: 'stopping' };
  }

  lastFailure: unknown;

  /** Pending transitions, so a lab that closes can wait for them. */
  readonly #transitions = new Set<Promise<void>>();

  #afterTransition(step: () => Promise<void>, database: LabDatabase): void {
    const done = new Promise<void>((resolve) => setTimeout(resolve, this.options.transitionMs ?? 0))
      .then(step)
      // RDS shows a stream it could not set up as stopped; the lab does the same, and says why.
      .catch((error: unknown) => {
        database.activityStream = { status: 'stopped' };
        this.lastFailure = error;
      })
      .finally(() => this.#transitions.delete(done));
    this.#transitions.add(done);
  }

  async settle(): Promise<void> {
    await Promise.all([...this.#transitions]);
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
    `<${action}Response xmlns="${XMLNS}">` + toXml(`${action}Result`, result) + toXml('ResponseMetadata', { RequestId: randomUUID() }) + `</${action}Response>`;
  return { status: 200, contentType: 'text/xml', body };
}

/** Query-protocol errors in this service's namespace. */
export function queryError(error: ServiceError): ServiceReply {
  return queryErrorReply(XMLNS, error);
}

// RDS resource ids: a prefix and 26 characters of base32.
function newResourceId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = new Uint8Array(26);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (byte) => alphabet[byte % 32]).join('');
}
