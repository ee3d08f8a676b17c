import { gunzipSync } from 'node:zlib';

/** DAS payloads are gzip (RFC 1952); a bare zlib stream or a cut one is refused with the reason. */
export function gunzipPayload(bytes: Uint8Array): Buffer {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new Error(notGzip(error instanceof Error ? error.message : String(error)), { cause: error });
  }
}

export function notGzip(detail: string): string {
  return `the decrypted payload is not valid gzip (${detail})`;
}
