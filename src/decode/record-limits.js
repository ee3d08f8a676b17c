// @ts-check
// Plain JavaScript, as every module a decryption thread loads: it runs as it is from src/ and dist/.

/**
 * A record's size once inflated, unless --max-record-bytes says otherwise. Kinesis caps a record
 * at 1 MB, but gzip inflates a thousandfold: without a bound, three forged records OOM-kill the
 * reader on every rerun.
 */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;
