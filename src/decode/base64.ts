// Buffer.from(s, 'base64') silently skips characters that are not base64; a record
// with a mangled field must be refused, not decoded into garbage.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (text.length === 0 || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}
