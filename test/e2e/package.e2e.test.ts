import { describe, expect, it } from 'vitest';

describe('the package as a library', () => {
  it('its main entry (dist/index.js) loads and offers the decoder and the stream reader', async () => {
    // Loaded by URL: dist/ exists only once built, after the typecheck has run.
    const library = (await import(new URL('../../dist/index.js', import.meta.url).href)) as Record<string, unknown>;
    for (const name of ['createDecoder', 'decodeBatches', 'readStream', 'resolveTarget', 'createAwsClients', 'encryptionContextFor', 'formatNdjson', 'RecordError']) {
      expect(typeof library[name], name).toBe('function');
    }
    expect((library.encryptionContextFor as (id: string) => unknown)('db-X')).toEqual({ 'aws:rds:db-id': 'db-X' });
  });
});
