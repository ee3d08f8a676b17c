import { setFlagsFromString } from 'node:v8';

/**
 * How V8 should collect a reader's garbage, set once at start-up: V8 reads these flags
 * for the whole process, so they hold for the decryption threads started after the call.
 */
export function tuneGarbageCollection(): void {
  // V8 allocates straight into the old generation from any allocation site whose objects
  // once mostly survived a young collection, and does not look again. The Encryption SDK's
  // objects trip it while a few messages are in flight: 96% of them were then allocated
  // old, to be freed only by full collections. Without it, young-collection pauses halve
  // and a message costs a sixth less CPU (bench/).
  //
  // V8's own heap-growing factor is left alone: held at 1.5, it made full collections so
  // frequent that decoding ran a sixth slower, and a long drain into a slow consumer
  // peaked at the same 190 MB either way (bench/).
  setFlagsFromString('--no-allocation-site-pretenuring');
}
