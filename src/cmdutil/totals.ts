/** `3 events from 2 records; 1 data key decrypted by KMS`: the line a read and `decode` end with. */
export function totalsLine(summary: { events: number; records: number; kmsDecryptCalls: number }): string {
  return `${count(summary.events, 'event')} from ${count(summary.records, 'record')}; ${count(summary.kmsDecryptCalls, 'data key')} decrypted by KMS`;
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
