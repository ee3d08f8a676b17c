import { describe, expect, it } from 'vitest';
import { createStatusLine } from '../../src/terminal/status-line.js';
import { totalsLine } from '../../src/cmdutil/totals.js';
import { TextSink } from '../helpers/memory-io.js';

describe('the status line', () => {
  it('redraws in place, at most four times a second, with the rate, the lag and the shards', () => {
    const stderr = new TextSink();
    let now = 0;
    const status = createStatusLine(stderr, () => now);
    status.update({ records: 1, events: 10, shards: 2, behindMs: undefined });
    now = 100;
    status.update({ records: 2, events: 20, shards: 2, behindMs: 5_000 });
    now = 1_000;
    status.update({ records: 50, events: 510, shards: 2, behindMs: 5_000 });
    now = 1_400;
    status.update({ records: 60, events: 600, shards: 3, behindMs: 0 });
    const frames = stderr.text.split('\r\u001b[2K').filter(Boolean);
    expect(frames).toEqual([
      'reading: 1 record, 10 events (0/s), lag unknown, 2 shards',
      'reading: 50 records, 510 events (500/s), 5.0 s behind, 2 shards',
      'reading: 60 records, 600 events (500/s), at the tip, 3 shards',
    ]);
  });

  it('a message is written above it, and the line drawn again; stop leaves the line empty', () => {
    const stderr = new TextSink();
    const status = createStatusLine(stderr, () => 0);
    status.update({ records: 1, events: 1, shards: 1, behindMs: 0 });
    status.stderr.write('das-read: warning: skipped one\n');
    status.stop();
    expect(stderr.text).toBe(
      '\r\u001b[2Kreading: 1 record, 1 event (0/s), at the tip, 1 shard\r\u001b[2Kdas-read: warning: skipped one\n\r\u001b[2Kreading: 1 record, 1 event (0/s), at the tip, 1 shard\r\u001b[2K',
    );
  });
});

describe('numbers, on the status line and the final line alike', () => {
  it('are written the same way, with thousands separators, in both', () => {
    const stderr = new TextSink();
    const status = createStatusLine(stderr, () => 0);
    status.update({ records: 12_345, events: 1_234_567, shards: 1, behindMs: 0 });
    status.stop();
    const final = totalsLine({ records: 12_345, events: 1_234_567, kmsDecryptCalls: 1_001 });
    expect(stderr.text).toContain('12,345 records, 1,234,567 events');
    expect(final).toBe('1,234,567 events from 12,345 records; 1,001 data keys decrypted by KMS');
  });
});
