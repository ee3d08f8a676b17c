import { createDetector, placeOfArn, toAsff, type Detector, type Finding, type Rule, type SeenEvent } from '../index.js';
import type { LambdaLog } from './delivery.js';
import type { AsffFinding, FindingsTarget } from './findings-target.js';
import { isWindowed, type KinesisStreamEvent } from './lambda-events.js';

/**
 * Lambda's bound on a tumbling window's state, per shard: past it, Lambda ends the window early.
 * das-read keeps its own under this, with room for the key it is stored under.
 */
export const LAMBDA_STATE_BYTES = 1024 * 1024;
export const STATE_LIMIT_BYTES = LAMBDA_STATE_BYTES - 16 * 1024;

/** The state's one key: its value the detector's state as a JSON string, which every runtime's state map takes. */
export const STATE_KEY = 'das-read';

export interface DetectionDeps {
  rules: readonly Rule[];
  target: FindingsTarget;
  log: LambdaLog;
  /** Bytes of state past which the window's correlations are flushed and begun afresh: a test's is smaller. */
  stateLimitBytes?: number;
}

/** A finding and the place, in the batch, of the record whose event completed it. */
interface Owned {
  place: number;
  finding: Finding;
}

/**
 * The rules over one batch. Single-event rules find as events come; correlation rules keep what
 * they count in the detector's state, which a mapping with a tumbling window hands from one
 * invocation to the next on the shard (in `state`), and which the window's final invocation
 * closes (`end()`). Each finding belongs to the record whose event completed it: a finding that
 * cannot be delivered fails its record, and every one after it, as an event would. The state
 * returned is always the state after exactly the records reported done, so that a retried record
 * is counted once; the findings a retried record makes again have the same uid (Security Hub
 * updates the finding it holds).
 */
export class BatchDetection {
  readonly #deps: DetectionDeps;
  readonly #event: KinesisStreamEvent;
  readonly #windowed: boolean;
  #detector: Detector;
  /** The detector's state at the last delivery that succeeded: where a failure rolls back to. */
  #committed: unknown;
  /** Events observed since then, by record: replayed onto the committed state up to a failure. */
  #since: Array<{ place: number; seen: SeenEvent[] }> = [];
  #pending: Owned[] = [];
  #closed = false;
  /** Bytes of the state returned, once measured. */
  stateBytes = 0;

  constructor(event: KinesisStreamEvent, deps: DetectionDeps) {
    this.#deps = deps;
    this.#event = event;
    this.#windowed = isWindowed(event);
    this.#detector = createDetector(deps.rules);
    if (this.#windowed) this.#resume(event.state?.[STATE_KEY]);
    this.#committed = snapshot(this.#detector);
    if (event.isWindowTerminatedEarly)
      deps.log('WARN', `Lambda ended the tumbling window of ${event.shardId ?? 'the shard'} early (its state passed 1 MB): correlations began afresh`);
  }

  #resume(saved: unknown): void {
    if (saved === undefined) return;
    try {
      this.#detector.importState(JSON.parse(String(saved)) as unknown);
    } catch (error) {
      this.#detector = createDetector(this.#deps.rules);
      this.#deps.log('WARN', `the tumbling window's state cannot be read (${(error as Error).message}): correlations on ${this.#event.shardId} begin afresh`);
    }
  }

  /** A record's events, in order: the findings they complete wait for the next delivery. */
  observe(place: number, seen: readonly SeenEvent[]): void {
    if (seen.length === 0) return;
    this.#since.push({ place, seen: [...seen] });
    for (const event of seen) for (const finding of this.#detector.observe(event)) this.#pending.push({ place, finding });
  }

  /**
   * After the batch's last record: when the window ends here (its final invocation, or no window
   * at all), the findings correlations still hold join the last record's.
   */
  close(lastPlace: number): void {
    if (this.#windowed && this.#event.isFinalInvokeForWindow !== true) return;
    this.#closed = true;
    for (const finding of this.#detector.end()) this.#pending.push({ place: lastPlace, finding });
  }

  /** Whether findings wait for delivery. */
  get pending(): boolean {
    return this.#pending.length > 0;
  }

  /** Delivers the findings waiting; the place of the first record one of whose findings was not delivered, if any. */
  async deliver(): Promise<number | undefined> {
    const owned = this.#pending;
    this.#pending = [];
    if (owned.length === 0) return undefined;
    const place = placeOfArn(this.#event.Records[0]?.eventSourceARN ?? this.#event.eventSourceARN);
    const asff = owned.map(({ finding }) => this.#asffOf(finding, place));
    let delivered: boolean[];
    try {
      delivered = await this.#deps.target.send(asff);
    } catch (error) {
      this.#deps.log('ERROR', `the findings' delivery to ${this.#deps.target.name} failed: ${(error as Error).message}`);
      delivered = [];
    }
    let first: number | undefined;
    owned.forEach(({ place: owner }, index) => {
      if (delivered[index] !== true && (first === undefined || owner < first)) first = owner;
    });
    return first;
  }

  /** Everything observed so far is delivered: the state to roll back to moves here. */
  commit(): void {
    this.#committed = snapshot(this.#detector);
    this.#since = [];
  }

  /** The records from `cut` on go back to Lambda: the state becomes the committed one plus the records before `cut`. */
  rollback(cut: number): void {
    this.#detector = createDetector(this.#deps.rules);
    this.#detector.importState(structuredClone(this.#committed));
    for (const { place, seen } of this.#since) if (place < cut) for (const event of seen) this.#detector.observe(event);
    this.#since = [];
    this.#pending = [];
    this.#closed = false;
  }

  /**
   * The state for the window's next invocation on the shard, or undefined without a window. The
   * detector bounds its own export; should its bytes still pass the bound (text of many bytes a
   * character), the oldest correlation groups are dropped until it fits, and the log says how many.
   */
  state(): Record<string, unknown> | undefined {
    if (!this.#windowed) return undefined;
    if (this.#closed || this.#event.isFinalInvokeForWindow) {
      this.stateBytes = 2;
      return {};
    }
    const limit = this.#deps.stateLimitBytes ?? STATE_LIMIT_BYTES;
    const exported = this.#detector.exportState();
    let text = JSON.stringify(exported);
    let bytes = Buffer.byteLength(text, 'utf8');
    let dropped = this.#detector.stats.groupsLeftOutOfState;
    const shard = this.#event.shardId ?? 'the shard';
    for (let tries = 0; bytes > limit && tries < 4; tries++) {
      const trimmer = createDetector(this.#deps.rules, { maxStateBytes: Math.floor(text.length * (limit / bytes) * 0.9) });
      trimmer.importState(JSON.parse(text) as unknown);
      text = JSON.stringify(trimmer.exportState());
      bytes = Buffer.byteLength(text, 'utf8');
      dropped += trimmer.stats.groupsLeftOutOfState;
    }
    if (bytes > limit) {
      text = JSON.stringify(createDetector(this.#deps.rules).exportState());
      bytes = Buffer.byteLength(text, 'utf8');
      this.#deps.log('WARN', `the correlation state of ${shard} could not be brought under ${limit} bytes: its correlations begin afresh`);
    }
    if (dropped > 0)
      this.#deps.log(
        'WARN',
        `the correlation state of ${shard} passed its bound (${limit} bytes): the oldest ${dropped} correlation groups were dropped, ${bytes} bytes kept (a shorter TumblingWindowInSeconds keeps the state smaller)`,
      );
    this.stateBytes = bytes;
    return { [STATE_KEY]: text };
  }

  /** ASFF within the target's size: with fewer of its evidence events when the whole does not fit. */
  #asffOf(finding: Finding, place: { region?: string; accountId?: string }): AsffFinding {
    const where = { region: place.region ?? 'us-east-1', accountId: place.accountId ?? '000000000000' };
    let evidence = finding.evidence.length;
    for (;;) {
      const asff = toAsff(
        evidence === finding.evidence.length ? finding : { ...finding, evidence: finding.evidence.slice(0, evidence) },
        where,
      ) as unknown as AsffFinding;
      if (evidence === 0 || Buffer.byteLength(JSON.stringify(asff), 'utf8') <= this.#deps.target.findingBytes) return asff;
      evidence = Math.floor(evidence / 2);
    }
  }
}

/** The detector's state as it is now, apart from the detector: what it exports may be its own live objects. */
function snapshot(detector: Detector): unknown {
  return structuredClone(detector.exportState());
}
