import { startLab, type Lab } from './lab.js';
import type { LabDatabase } from './local-rds.js';
import { ActivityEmitter } from './activity-emitter.js';
import { SyntheticPgbench, type PostgresServer } from './pgbench-synthetic.js';
import { Trickle } from './app-activity.js';
import { ServiceError } from './service-error.js';
import { LabActivity, type AttackingSource, type AttackReport } from './lab-activity.js';

export const LAB_CLUSTER = 'auroralab-postgres-cluster';
export const LAB_KEY_ALIAS = 'alias/auroralab-postgres-das';

export interface LabSessionOptions {
  nodePath: string;
  port?: number;
  /** How long `starting` and `stopping` last (RDS takes minutes; the lab, seconds). */
  transitionMs?: number;
  /** Synthetic pgbench transactions a second. */
  transactionsPerSecond?: number;
  /** Activity from elsewhere (a real PostgreSQL) instead of the synthetic pgbench. */
  source?: (server: PostgresServer) => Promise<AttackingSource>;
  /**
   * Seconds between two steps of the simulated trickle beside the load (DDL, failed statements,
   * refused logins, role changes); 0 for none. Default 5; a real PostgreSQL runs its own.
   */
  trickleSeconds?: number;
  onError?: (error: unknown) => void;
}

export interface LabSession {
  lab: Lab;
  cluster: LabDatabase;
  emitter: ActivityEmitter;
  /** Makes an attack scenario happen on the cluster (lab/src/attacks.ts); refused while its stream is not started. */
  attack(scenario: string): Promise<AttackReport>;
  /** Stops the cluster's records, heartbeats included, for `seconds`: a gap in the trail (`POST /_lab/pause/<seconds>`). */
  pause(seconds: number): { from: number; until: number };
  /** The line a second terminal needs to talk to the lab. */
  exportLine: string;
  close(): Promise<void>;
}

/**
 * The original workshop's world, on loopback: an Aurora PostgreSQL cluster with a
 * customer managed key for its activity stream, and pgbench running against it.
 */
export async function startLabSession(options: LabSessionOptions): Promise<LabSession> {
  const lab = await startLab({ nodePath: options.nodePath, port: options.port, transitionMs: options.transitionMs ?? 2_000 });
  try {
    const key = lab.kms.createKey('Database activity stream key for auroralab-postgres-cluster');
    lab.kms.createAlias(LAB_KEY_ALIAS, key.keyId);
    const cluster = lab.rds.addDatabase('cluster', LAB_CLUSTER, 'aurora-postgresql', '15.4');
    const instance = lab.rds.addDatabase('instance', `${LAB_CLUSTER}-instance-1`, 'aurora-postgresql', '15.4');
    const server: PostgresServer = { serverHost: '10.0.1.5', serverVersion: '15.4', databaseName: 'postgres', dbUserName: 'postgres' };
    const load: AttackingSource = options.source
      ? await options.source(server)
      : new SyntheticPgbench(server, { transactionsPerSecond: options.transactionsPerSecond ?? 10 });
    const trickleSeconds = options.trickleSeconds ?? (options.source ? 0 : 5);
    const source = new LabActivity(server, load, trickleSeconds > 0 ? new Trickle(server, trickleSeconds * 1_000_000) : undefined);
    const emitter = new ActivityEmitter({
      kms: lab.clients.kms,
      kinesis: lab.clients.kinesis,
      database: cluster,
      server,
      instanceId: instance.resourceId,
      source,
      onError: options.onError,
    });
    emitter.start();
    const attack = async (scenario: string) => {
      if (cluster.activityStream.status !== 'started') throw new StreamNotStartedError(cluster.activityStream.status);
      return source.attack(scenario);
    };
    lab.gateway.labActions.attack = attack;
    const pause = (seconds: number) => emitter.pause(seconds * 1000);
    lab.gateway.labActions.pause = pause;
    // AWS_DEFAULT_REGION too: the AWS CLI v1 reads no other.
    const exportLine =
      `export AWS_ENDPOINT_URL=${lab.endpoint} AWS_REGION=${lab.region} AWS_DEFAULT_REGION=${lab.region} ` + 'AWS_ACCESS_KEY_ID=lab AWS_SECRET_ACCESS_KEY=lab';
    return {
      lab,
      cluster,
      emitter,
      attack,
      pause,
      exportLine,
      async close() {
        await emitter.stop();
        await source.close?.();
        await lab.close();
      },
    };
  } catch (error) {
    await lab.close();
    throw error;
  }
}

/** An attack on a cluster whose activity stream is not started would be seen by no one. */
export class StreamNotStartedError extends ServiceError {
  constructor(streamStatus: string) {
    super(
      'StreamNotStarted',
      `the activity stream of ${LAB_CLUSTER} is ${streamStatus}: start it first (das-read start --cluster ${LAB_CLUSTER} --kms-key ${LAB_KEY_ALIAS} --apply-immediately --wait)`,
      409,
    );
  }
}
