import { setFlagsFromString } from 'node:v8';

/**
 * How V8 should collect a reader's garbage, set once at start-up: V8 reads these flags
 * for the whole process, so they hold for the decryption threads started after the call.
 */
export function tuneGarbageCollection(): void {
  // V8 allocates straight into the old generation from any allocation site whose objects
  // once mostly survived a young collection, and does not look again. The Encryption SDK's
  // objects trip it while a few messages are in flight: they are then allocated old, to be
  // freed only by full collections, which cost more than the young ones they replace.
  //
  // V8's own heap-growing factor is left alone: held lower, full collections came so often
  // that decoding slowed, for no lower peak. The measurements: docs/performance.md.
  setFlagsFromString('--no-allocation-site-pretenuring');
}
