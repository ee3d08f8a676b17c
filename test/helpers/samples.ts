import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DasActivityRecord, DasEvent } from '../../src/decode/types.js';

/** AWS's published examples, copied into the repository (test/fixtures/README.md names their sources). */
export const SAMPLES_DIR = fileURLToPath(new URL('../fixtures/das-samples', import.meta.url));

export interface Sample {
  file: string;
  /** The wrapper version RDS sends for this engine. */
  version: string;
  record: DasActivityRecord;
}

const VERSION_BY_ENGINE: Record<string, string> = { apg: '1.1', ams: '1.2', ora: '1.3', mss: '1.4' };

/**
 * The samples come in three shapes (a wrapper with the record inlined, a record, a bare
 * event); each becomes the record RDS would have encrypted.
 */
export function loadSamples(): Sample[] {
  return readdirSync(SAMPLES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const json = JSON.parse(readFileSync(join(SAMPLES_DIR, file), 'utf8')) as Record<string, unknown>;
      const engine = file.slice(0, 3);
      const version = typeof json.version === 'string' ? json.version : file.includes('v1.0') ? '1.0' : (VERSION_BY_ENGINE[engine] ?? '1.1');
      return { file, version, record: toRecord(json, engine) };
    });
}

function toRecord(json: Record<string, unknown>, engine: string): DasActivityRecord {
  if (json.type === 'DatabaseActivityMonitoringRecords') return json.databaseActivityEvents as DasActivityRecord;
  if (json.type === 'DatabaseActivityMonitoringRecord') return json as unknown as DasActivityRecord;
  const onInstance = engine === 'ora' || engine === 'mss';
  return {
    type: 'DatabaseActivityMonitoringRecord',
    clusterId: onInstance ? '' : 'cluster-SAMPLE',
    instanceId: 'db-SAMPLE',
    databaseActivityEventList: [json as DasEvent],
  };
}
