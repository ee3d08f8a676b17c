import { setFlagsFromString } from 'node:v8';

/**
 * How V8 should collect a reader's garbage, set once at start-up: V8 reads these flags
 * for the whole process, so they hold for the decryption threads started after the call.
 */
export function tuneGarbageCollection(): void {
  // V8 lets a heap grow to up to four times what survived its last full collection. A
  // reader's garbage is short-lived, so half as much again keeps its memory flat while it
  // drains a backlog into a slow consumer (peakRssMb in bench/).
  setFlagsFromString('--heap-growing-percent=50');
  // V8 allocates straight into the old generation from any allocation site whose objects
  // once mostly survived a young collection, and does not look again. The Encryption SDK's
  // objects trip it while a few messages are in flight: 96% of them were then allocated
  // old, to be freed only by full collections. Without it, young-collection pauses halve
  // and a message costs a sixth less CPU (bench/).
  setFlagsFromString('--no-allocation-site-pretenuring');
}
