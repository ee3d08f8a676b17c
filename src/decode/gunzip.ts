import { gunzipSync } from 'node:zlib';

/** DAS payloads are gzip (RFC 1952); a bare zlib stream or a cut one is refused with the reason. */
export function gunzipPayload(bytes: Uint8Array): Buffer {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`the decrypted payload is not valid gzip (${detail})`, { cause: error });
  }
}
