import { setFlagsFromString } from 'node:v8';

/**
 * V8 lets a heap grow to up to four times what survived its last full collection. A
 * reader's garbage is short-lived, so half as much again keeps its memory flat while it
 * drains a backlog into a slow consumer (peakRssMb in bench/). V8 reads the factor at
 * every collection, so this applies from the call on, and to threads started after it.
 */
export function limitHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=50');
}
