import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// The benchmark's figures are judged by people reading them, never by a test: this only
// keeps it from rotting, on a few hundred records.
describe('npm run bench -- --quick', () => {
  it('measures every figure and writes them as JSON', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'das-read-bench-')), 'quick.json');
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bench/run.ts', '--quick', '--out', out], {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code, output).toBe(0);
    const results = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    for (const figure of [
      'decodeFloorRatio',
      'decodeFloorRatioSigned',
      'drainRatio',
      'drainShareOfSdkDrain',
      'speedupVsSeed',
      'kmsCallsPerDataKey',
      'followP50Ms',
      'followP95Ms',
      'peakRssMb',
      'rssGrowth',
      'shardsPerProcess',
      'reportShareOfJq',
      'reportHtmlMb',
      'reportPeakRssMb',
    ]) {
      expect(Number.isFinite(results[figure]), `${figure} = ${String(results[figure])}`).toBe(true);
    }
    const details = results.details as Record<string, number>;
    expect(details.sdkCeilingEventsPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(details.decodeShareOfSdkCeiling)).toBe(true);
    // The SDK-only drain opened every record it read (the bench checks their events too).
    expect(details.sdkDrainRecords).toBeGreaterThan(0);
    expect(results.kmsDelayMs).toBe(5);
    expect(output).toMatch(/decodeFloorRatio\s+\d/);
    expect(output).toMatch(/rssGrowth\s+\d/);
  }, 120_000);
});
