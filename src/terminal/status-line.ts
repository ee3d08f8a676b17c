import { Writable } from 'node:stream';
import { visible } from './visible.js';
import { count, number } from './counts.js';

/** What a read has done so far, for the status line. */
export interface ReadProgress {
  records: number;
  events: number;
  shards: number;
  /** The furthest any shard is behind its tip, as Kinesis last said; undefined before it has. */
  behindMs: number | undefined;
}

export interface StatusLine {
  update(progress: ReadProgress): void;
  /** stderr for everything else: each line is written above the status line, which is then drawn again. */
  readonly stderr: Writable;
  stop(): void;
}

function behind(ms: number | undefined): string {
  if (ms === undefined) return 'lag unknown';
  if (ms === 0) return 'at the tip';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s behind`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min behind`;
  return `${(ms / 3_600_000).toFixed(1)} h behind`;
}

/**
 * One line at the bottom of a terminal's stderr, redrawn in place at most four times a second:
 * records, events a second, how far behind the tip, shards. Only for a person watching stderr
 * while stdout goes to a file or a pipe; the caller decides that.
 */
export function createStatusLine(stderr: Writable, now: () => number = Date.now): StatusLine {
  let shown = '';
  let last = Number.NEGATIVE_INFINITY;
  let rate: { at: number; events: number } | undefined;
  let perSecond = 0;
  const clear = () => shown && stderr.write('\r\u001b[2K');
  const draw = () => shown && stderr.write(`\r\u001b[2K${shown}`);
  const above = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      clear();
      stderr.write(chunk);
      draw();
      callback();
    },
  });
  return {
    stderr: above,
    update(progress) {
      const at = now();
      if (rate === undefined) rate = { at, events: progress.events };
      else if (at - rate.at >= 1_000) {
        perSecond = ((progress.events - rate.events) * 1000) / (at - rate.at);
        rate = { at, events: progress.events };
      }
      if (at - last < 250) return;
      last = at;
      const text = `reading: ${count(progress.records, 'record')}, ${count(progress.events, 'event')} (${number(Math.round(perSecond))}/s), ${behind(progress.behindMs)}, ${count(progress.shards, 'shard')}`;
      shown = visible(text);
      draw();
    },
    stop() {
      clear();
      shown = '';
    },
  };
}
