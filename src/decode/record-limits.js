// @ts-check
// Plain JavaScript, as every module a decryption thread loads: it runs as it is from src/ and dist/.

/**
 * A record's size once inflated, unless --max-record-bytes says otherwise. Kinesis caps a record
 * at 1 MB, but gzip inflates a thousandfold: without a bound, three forged records OOM-kill the
 * reader on every rerun.
 */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

/**
 * How deep an event's JSON may nest, the event itself being the first level. No engine nests past
 * a handful; a client can (engineNativeAuditFields). Writing JSON recurses, and Node's main thread
 * runs out of stack at about 4,500 levels, where a decryption thread has room for 15,000: an event
 * opened there would then stop the run when written. A deeper event makes its record unreadable,
 * where records are judged, so the policy for unreadable records applies to it.
 */
export const MAX_EVENT_DEPTH = 1000;
