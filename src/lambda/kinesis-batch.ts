import type { RawRecord, SeenEvent } from '../index.js';
import type { Delivery, LambdaLog } from './delivery.js';
import { isWindowed, type KinesisBatchResponse, type KinesisEventRecord, type KinesisStreamEvent } from './lambda-events.js';
import type { LinesOf } from './record-lines.js';
import { failureFields, inflatedAtMost, recordBytes } from './record-input.js';
import { inOrder, WINDOW, type WindowOptions } from './record-window.js';
import type { BatchDetection } from './window-detection.js';

export interface KinesisBatchDeps {
  linesOf: LinesOf;
  delivery: Delivery;
  log: LambdaLog;
  /** Characters of lines gathered before they are delivered: a test's is smaller. */
  chunkChars?: number;
  /** Records decoded ahead of the one being delivered. */
  window?: Omit<WindowOptions<KinesisEventRecord>, 'cost'>;
  /** DETECT=true: the rules over this batch, their findings delivered with the events they come from. */
  detection?: BatchDetection;
}

/** Lines gathered for one delivery: Firehose calls of its 4 MiB, a Parquet object of a few thousand events. */
export const CHUNK_CHARS = 8 * 1024 * 1024;

/**
 * One event source mapping batch (one shard's records, in order): decrypted, filtered, delivered,
 * a few records at a time, so that a batch of large statements takes the memory of a few.
 * Lambda retries from the lowest sequence number reported and sends every record after it again:
 * so nothing after the first record that fails is delivered now, and every one of them is
 * reported. A record is never lost, and delivered twice only when its own delivery half failed.
 * Whatever throws, the answer is the contract's: the records not yet delivered are reported.
 * With detection, a record is done when its findings are delivered too (they go first), and the
 * state returned is the detector's after exactly the records done.
 */
export async function handleKinesisBatch(event: KinesisStreamEvent, deps: KinesisBatchDeps): Promise<KinesisBatchResponse> {
  const records = event.Records;
  const detection = deps.detection;
  if (detection && records.length === 0) return closeEmptyWindow(detection);
  // Every record before `delivered` has all its events where they go.
  const progress = { delivered: 0 };
  let cut: number;
  try {
    cut = await deliverInOrder(records, deps, progress);
  } catch (error) {
    cut = progress.delivered;
    if (cut < records.length)
      deps.log(
        'ERROR',
        `unexpected error at record ${placeOf(records, cut)}: it and the ${records.length - cut - 1} after it are reported, for Lambda to retry`,
        failureFields(error),
      );
    detection?.rollback(cut);
  }
  const batchItemFailures = records.slice(cut).map((record) => ({ itemIdentifier: sequenceOf(record) }));
  // A windowed invocation must answer with a state, even one of a function that keeps none.
  const state = detection ? detection.state() : isWindowed(event) ? {} : undefined;
  return state ? { batchItemFailures, state } : { batchItemFailures };
}

/**
 * A window's final invocation often comes with no records: what its correlations still hold is
 * delivered now, and when it cannot be, the invocation fails, for Lambda to call it again (it
 * holds the shard until the final invocation succeeds), since no record can be reported.
 */
async function closeEmptyWindow(detection: BatchDetection): Promise<KinesisBatchResponse> {
  detection.close(-1);
  if ((await detection.deliver()) !== undefined)
    throw new Error("the window's last findings were not delivered: the final invocation fails, for Lambda to retry it");
  const state = detection.state();
  return state ? { batchItemFailures: [], state } : { batchItemFailures: [] };
}

/** The place of the first record not delivered (the batch's length when all were). */
async function deliverInOrder(records: readonly KinesisEventRecord[], deps: KinesisBatchDeps, progress: { delivered: number }): Promise<number> {
  const chunkChars = deps.chunkChars ?? CHUNK_CHARS;
  const limit = deps.delivery.lineLimit;
  const cost = (record: KinesisEventRecord) => inflatedAtMost(record.kinesis.data);
  let lines: string[] = [];
  let owners: number[] = [];
  let chars = 0;
  let consumed = 0;

  /** Delivers the findings and lines gathered; the place of the first record whose findings or events did not all arrive, if one did not. */
  const flush = async (): Promise<number | undefined> => {
    const findingsCut = await deps.detection?.deliver();
    let [sent, sentOwners] = [lines, owners];
    [lines, owners, chars] = [[], [], 0];
    if (findingsCut !== undefined) {
      // A record whose findings were not all delivered goes back to Lambda, its events with it.
      const kept = sentOwners.findIndex((owner) => owner >= findingsCut);
      if (kept !== -1) [sent, sentOwners] = [sent.slice(0, kept), sentOwners.slice(0, kept)];
    }
    const cut = (await deliverLines(sent, sentOwners)) ?? findingsCut;
    if (cut !== undefined) {
      deps.detection?.rollback(cut);
      return cut;
    }
    deps.detection?.commit();
    progress.delivered = consumed;
    return undefined;
  };

  const deliverLines = async (sent: string[], sentOwners: number[]): Promise<number | undefined> => {
    if (sent.length > 0) {
      let delivered: boolean[];
      try {
        delivered = await deps.delivery.deliver(sent);
      } catch (error) {
        deps.log('ERROR', `the delivery failed: ${failureFields(error).reason}`);
        delivered = [];
      }
      const first = sent.findIndex((_, index) => delivered[index] !== true);
      if (first !== -1) return sentOwners[first] as number;
    }
    return undefined;
  };

  let failed: number | undefined;
  const detect = deps.detection !== undefined;
  const outcomes = inOrder(
    records,
    async (record) => {
      const seen: SeenEvent[] = [];
      const lines = await deps.linesOf(rawRecordOf(record), record.eventSourceARN, detect ? seen : undefined);
      return { lines, seen };
    },
    { ...WINDOW, ...deps.window, cost },
  );
  for await (const outcome of outcomes) {
    const place = consumed;
    const record = records[place] as KinesisEventRecord;
    if ('error' in outcome) {
      failed = place;
      deps.log('ERROR', `cannot read record ${placeOf(records, place)}: it and the ${records.length - place - 1} after it are reported, for Lambda to retry`, {
        ...failureFields(outcome.error),
        ...fieldsOf(record),
      });
      break;
    }
    const kept = outcome.value.lines;
    const tooLarge = limit === undefined ? -1 : kept.findIndex((line) => line.length > limit.bytes / 3 && Buffer.byteLength(line, 'utf8') > limit.bytes);
    if (tooLarge !== -1) {
      failed = place;
      const bytes = Buffer.byteLength(kept[tooLarge] as string, 'utf8');
      deps.log(
        'ERROR',
        `record ${placeOf(records, place)} holds an event of ${bytes} bytes, larger than ${limit?.name} (${limit?.bytes} bytes): it and the ${records.length - place - 1} after it are reported, for Lambda to retry (read it with the CLI)`,
        fieldsOf(record),
      );
      break;
    }
    for (const line of kept) {
      lines.push(line);
      owners.push(place);
      chars += line.length;
    }
    deps.detection?.observe(place, outcome.value.seen);
    consumed++;
    if (chars >= chunkChars) {
      const undelivered = await flush();
      if (undelivered !== undefined) return reportUndelivered(records, undelivered, deps);
    }
  }
  if (failed === undefined) deps.detection?.close(records.length - 1);
  const undelivered = await flush();
  if (undelivered !== undefined) return reportUndelivered(records, undelivered, deps);
  return failed ?? records.length;
}

function reportUndelivered(records: readonly KinesisEventRecord[], place: number, deps: KinesisBatchDeps): number {
  deps.log(
    'ERROR',
    `the events or findings of record ${placeOf(records, place)} were not all delivered: it and the ${records.length - place - 1} after it are reported, for Lambda to retry`,
    fieldsOf(records[place] as KinesisEventRecord),
  );
  return place;
}

const shardOf = (record: KinesisEventRecord) => {
  const id = typeof record.eventID === 'string' ? record.eventID : '';
  return id.slice(0, id.lastIndexOf(':')) || 'the shard';
};

const sequenceOf = (record: KinesisEventRecord): string => (record as Partial<KinesisEventRecord> | undefined)?.kinesis?.sequenceNumber ?? '';

const fieldsOf = (record: KinesisEventRecord) => ({ shardId: shardOf(record), sequenceNumber: sequenceOf(record) });

const placeOf = (records: readonly KinesisEventRecord[], place: number) => {
  const record = records[place] as KinesisEventRecord;
  return `${sequenceOf(record)} (${place + 1} of ${records.length}) in ${shardOf(record)}`;
};

function rawRecordOf(record: KinesisEventRecord): RawRecord {
  const arrival = record.kinesis.approximateArrivalTimestamp;
  return {
    shardId: shardOf(record),
    sequenceNumber: record.kinesis.sequenceNumber,
    data: recordBytes(record.kinesis.data),
    ...(typeof arrival === 'number' ? { arrivalTime: new Date(arrival * 1000) } : {}),
  };
}
