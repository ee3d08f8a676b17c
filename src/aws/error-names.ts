/** The service's error code, whichever of the SDK's shapes carries it. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const fields = error as { name?: unknown; Code?: unknown; code?: unknown };
  for (const candidate of [fields.Code, fields.name, fields.code]) {
    if (typeof candidate === 'string' && candidate !== 'Error') return candidate;
  }
  return undefined;
}
