/** Parses text that must hold a JSON object; throws an Error naming `what` and why not. */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${what} is not JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${what} is not a JSON object`);
  return json as Record<string, unknown>;
}
