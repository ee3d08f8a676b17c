// @ts-check
// Plain JavaScript, as every module a decryption thread loads: it runs as it is from src/ and dist/.

/**
 * Parses text that must hold a JSON object; throws an Error naming `what` and why not.
 * @param {string} text
 * @param {string} what
 * @returns {Record<string, unknown>}
 */
export function parseJsonObject(text, what) {
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${what} is not JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${what} is not a JSON object`);
  return json;
}
