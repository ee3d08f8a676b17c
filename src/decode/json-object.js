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

/**
 * Whether parsed JSON nests more than `limit` levels (a value that is not an object or array is
 * level 0): found without recursion, so that any depth can be asked about on any thread.
 * @param {unknown} root
 * @param {number} limit
 */
export function nestedDeeperThan(root, limit) {
  if (typeof root !== 'object' || root === null) return false;
  /** @type {object[]} */
  const stack = [root];
  /** @type {number[]} */
  const depths = [1];
  while (stack.length > 0) {
    const value = /** @type {object} */ (stack.pop());
    const depth = /** @type {number} */ (depths.pop());
    if (depth > limit) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'object' && child !== null) {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
