import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { DasEvent } from 'das-read';
import type { LabDatabase } from './local-rds.js';
import { DasRecordProducer } from './producer.js';
import { putRecords } from './put-records.js';
import { activityRecord } from './synthetic-events.js';
import { postgresHeartbeat, rdsadminEvent, type PostgresServer } from './pgbench-synthetic.js';

/** Where a database's activity comes from: a simulation, or a real PostgreSQL's audit log. */
export interface ActivitySource {
  /** Events that happened up to now (epoch microseconds), each once. */
  eventsUntil(nowMicros: number): DasEvent[] | Promise<DasEvent[]>;
  /** Stops what the source started (a server, a load). */
  close?(): Promise<void>;
}

export interface EmitterOptions {
  kms: KMSClient;
  kinesis: KinesisClient;
  database: LabDatabase;
  server: PostgresServer;
  /** The writer instance's resource id, which every record names. */
  instanceId: string;
  source?: ActivitySource;
  flushMs?: number;
  heartbeatMs?: number;
  monitoringMs?: number;
  eventsPerRecord?: number;
  recordsPerDataKey?: number;
  now?: () => number;
  /** Told when a flush fails: the lab keeps going, as RDS would. */
  onError?: (error: unknown) => void;
}

/**
 * While a database's activity stream is started, puts records on it as RDS does:
 * the source's events a few to a record, a heartbeat every two seconds, RDS's own
 * monitoring queries now and then; a data key reused across records, then rotated.
 */
export class ActivityEmitter {
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #producer: { keyId: string; producer: DasRecordProducer } | undefined;
  #lastHeartbeat = 0;
  #lastMonitoring = 0;
  /** Whether the last round found the stream started. */
  #watching = false;
  #watchedBefore = false;
  /** Until when (epoch ms, the emitter's clock) it emits nothing: see pause(). */
  #pausedUntil = -Infinity;
  recordsPut = 0;

  constructor(private readonly options: EmitterOptions) {}

  start(): void {
    this.#timer ??= setInterval(() => {
      this.#flushing = this.#flushing.then(() => this.flush()).catch((error: unknown) => this.options.onError?.(error));
    }, this.options.flushMs ?? 500);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#flushing;
  }

  /**
   * A gap in the trail on demand: for `ms` from now, no record at all, heartbeats included. What the
   * source does meanwhile is lost, as a real gap loses it, rather than delivered late.
   */
  pause(ms: number): { from: number; until: number } {
    const from = (this.options.now ?? Date.now)();
    this.#pausedUntil = from + ms;
    return { from, until: this.#pausedUntil };
  }

  /** One round: what happened since the last one, as records on the stream. */
  async flush(): Promise<void> {
    const stream = this.options.database.activityStream;
    const nowMs = (this.options.now ?? Date.now)();
    if (stream.status !== 'started' || !stream.kinesisStreamName || !stream.kmsKeyId) {
      this.#watching = false;
      return;
    }
    let events = (await this.options.source?.eventsUntil(nowMs * 1000)) ?? [];
    if (nowMs < this.#pausedUntil) return;
    // A stream started again does not carry what happened while it was stopped.
    if (!this.#watching && this.#watchedBefore) events = [];
    this.#watching = this.#watchedBefore = true;
    const records: DasEvent[][] = [];
    if (nowMs - this.#lastMonitoring >= (this.options.monitoringMs ?? 15_000)) {
      this.#lastMonitoring = nowMs;
      events.push(rdsadminEvent(this.options.server, nowMs * 1000, 4_000 + Math.floor(Math.random() * 1_000)));
    }
    const size = this.options.eventsPerRecord ?? 20;
    for (let start = 0; start < events.length; start += size) records.push(events.slice(start, start + size));
    if (nowMs - this.#lastHeartbeat >= (this.options.heartbeatMs ?? 2_000)) {
      this.#lastHeartbeat = nowMs;
      records.push([postgresHeartbeat(nowMs * 1000)]);
    }
    if (records.length === 0) return;
    const producer = this.#producerFor(stream.kmsKeyId);
    const clusterId = this.options.database.kind === 'cluster' ? this.options.database.resourceId : '';
    const data = await Promise.all(records.map((list) => producer.encode(activityRecord(clusterId, this.options.instanceId, list))));
    await putRecords(this.options.kinesis, stream.kinesisStreamName, data, () => this.options.instanceId);
    this.recordsPut += data.length;
  }

  // A stream started again with another key gets a producer of its own.
  #producerFor(keyId: string): DasRecordProducer {
    if (this.#producer?.keyId !== keyId) {
      this.#producer = {
        keyId,
        producer: new DasRecordProducer({
          kms: this.options.kms,
          kmsKeyId: keyId,
          resourceId: this.options.database.resourceId,
          recordsPerDataKey: this.options.recordsPerDataKey ?? 100,
        }),
      };
    }
    return this.#producer.producer;
  }
}
