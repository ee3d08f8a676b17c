import { spawn, spawnSync } from 'node:child_process';
import { constants, lstatSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runBin, userEnv } from '../helpers/bin.js';

// Where -O or standard output leads somewhere other than a regular file: a FIFO (`-O >(gzip > page.gz)`,
// `-O /dev/stdout`) or a device (`-O /dev/null` run as root) is written into, never replaced by a file of the
// same name; a full device is named, not reported as a bug.

const EVENT = JSON.stringify({
  logTime: '2026-01-01 00:00:00.000000+00',
  type: 'record',
  class: 'READ',
  command: 'SELECT',
  commandText: 'SELECT 1',
  dbUserName: 'app',
  databaseName: 'postgres',
  remoteHost: '10.0.0.1',
  sessionId: 's1',
  serverType: 'PostgreSQL',
  clusterId: 'cluster-T',
  instanceId: 'db-T',
  eventId: 'shardId-000000000000:1:0',
});

let dir: string;
let saved: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'das-read-report-target-'));
  saved = join(dir, 'events.ndjson');
  writeFileSync(saved, EVENT + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report -O to something that is not a regular file', () => {
  it('writes the page into a FIFO and leaves the FIFO in place', async () => {
    const fifo = join(dir, 'page.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // A reader on the other end, as `>(…)` would be; killed if the report never comes.
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    let page = '';
    reader.stdout.on('data', (chunk: Buffer) => (page += chunk.toString()));
    const read = new Promise<void>((resolve) => reader.on('close', () => resolve()));
    try {
      const run = await runBin(['report', saved, '-O', fifo]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      await read;
      expect(page).toMatch(/^<!DOCTYPE html>/i);
      expect(page).toContain('</html>');
    } finally {
      reader.kill();
      // Unblock a reader still waiting for a writer (ENXIO, at once, when none is left).
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        /* a file now, or gone */
      }
    }
  }, 30_000);
});

describe('report to a full standard output', () => {
  it('names the full device and exits 1, not as a bug', () => {
    const out = openSync('/dev/full', 'w');
    try {
      const run = spawnSync(process.execPath, [BIN, 'report', saved], { env: userEnv(), stdio: ['ignore', out, 'pipe'] });
      const stderr = run.stderr.toString();
      expect(stderr).toContain('standard output: no space left on device (ENOSPC)');
      expect(stderr).not.toMatch(/bug/);
      expect(run.status).toBe(1);
    } finally {
      closeSync(out);
    }
  });

  it('does not touch standard output when the page goes to -O', () => {
    const out = openSync('/dev/full', 'w');
    const page = join(dir, 'page.html');
    try {
      const run = spawnSync(process.execPath, [BIN, 'report', saved, '-O', page], { env: userEnv(), stdio: ['ignore', out, 'pipe'] });
      expect(run.stderr.toString()).toBe('');
      expect(run.status).toBe(0);
      expect(lstatSync(page).isFile()).toBe(true);
    } finally {
      closeSync(out);
    }
  });
});
