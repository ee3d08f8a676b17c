import { count } from '../terminal/counts.js';

export { count } from '../terminal/counts.js';

/** `3 events from 2 records; 1 data key decrypted by KMS`: the line a read and `decode` end with, its numbers as the status line writes them. */
export function totalsLine(summary: { events: number; records: number; kmsDecryptCalls: number }): string {
  return `${count(summary.events, 'event')} from ${count(summary.records, 'record')}; ${count(summary.kmsDecryptCalls, 'data key')} decrypted by KMS`;
}
