import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { DasRecordProducer } from '../lab/src/producer.js';
import { putRecords } from '../lab/src/put-records.js';
import { activityRecord, postgresEvent } from '../lab/src/synthetic-events.js';

export interface SteadyProducerOptions {
  kinesis: KinesisClient;
  streamName: string;
  producer: DasRecordProducer;
  clusterId: string;
  recordsPerSecond: number;
  eventsPerRecord: number;
  onError: (error: unknown) => void;
}

const TICK_MS = 200;

/**
 * Puts records at a steady rate, each of a few events numbered 0, 1, 2… (their statementId):
 * the ids put are exactly 0 to `produced` - 1, which the audit checks the output against.
 */
export class SteadyProducer {
  /** Events on the stream: ids below this one. */
  produced = 0;
  records = 0;
  /** Puts that failed as a whole and were made again: their records may be on the stream twice. */
  retriedPuts = 0;
  /** Ids whose put failed as a whole and was made again: a repeat of these may be the producer's. */
  readonly maybeTwice = new Set<number>();
  #stopped = false;
  #running: Promise<void> = Promise.resolve();
  #startedAt = 0;

  constructor(private readonly options: SteadyProducerOptions) {}

  start(): void {
    this.#startedAt = performance.now();
    this.#running = this.#loop().catch(this.options.onError);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }

  // One put at a time: ids reach the stream in order, and a slow server slows the producer down
  // instead of queueing puts behind it.
  async #loop(): Promise<void> {
    while (!this.#stopped) {
      const tickStarted = performance.now();
      await this.#tick();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, TICK_MS - (performance.now() - tickStarted))));
    }
  }

  async #tick(): Promise<void> {
    const rate = this.options.recordsPerSecond;
    let due = Math.floor(((performance.now() - this.#startedAt) / 1000) * rate) - this.records;
    // A server slower than the rate owes no more than a second's records: the rate drops to what it takes.
    if (due > rate) {
      this.#startedAt += ((due - rate) / rate) * 1000;
      due = Math.floor(rate);
    }
    if (due <= 0) return;
    const { eventsPerRecord, clusterId, producer } = this.options;
    const first = this.produced;
    const records = Array.from({ length: due }, (_, r) =>
      activityRecord(
        clusterId,
        'db-SOAK',
        Array.from({ length: eventsPerRecord }, (_, e) => postgresEvent(first + r * eventsPerRecord + e)),
      ),
    );
    const data = await Promise.all(records.map((record) => producer.encode(record)));
    for (let attempt = 0; ; attempt++) {
      try {
        await putRecords(this.options.kinesis, this.options.streamName, data);
        break;
      } catch (error) {
        // A reshard's UPDATING, a slow server: the same records again, noted as possibly put twice.
        if (attempt >= 20 || this.#stopped) throw error;
        this.retriedPuts++;
        for (let id = first; id < first + due * eventsPerRecord; id++) this.maybeTwice.add(id);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    this.records += due;
    this.produced = first + due * eventsPerRecord;
  }
}
