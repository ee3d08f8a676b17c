import { describe, expect, it } from 'vitest';
import { BatchRenderer } from '../../src/write/batch-render.js';
import { compileFilter, type EventFilterSpec } from '../../src/events/filter.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import type { DecodedBatch } from '../../src/decode/decode-stage.js';
import { eventFormatter } from '../../src/format/event-format.js';
import { makeChalk } from '../../src/terminal/color.js';
import { Diagnostics } from '../../src/terminal/diagnostics.js';
import { loadSamples } from '../helpers/samples.js';
import { TextSink } from '../helpers/memory-io.js';

/** The published samples of all four engines, one record each, as a shard's batch. */
const batch: DecodedBatch = {
  shardId: 'shardId-000000000000',
  shardEnded: false,
  outcomes: loadSamples().map((sample, index) => {
    const raw = { shardId: 'shardId-000000000000', sequenceNumber: String(1000 + index), data: new Uint8Array(), arrivalTime: new Date(Date.UTC(2026, 0, 1)) };
    const place = {
      shardId: raw.shardId,
      sequenceNumber: raw.sequenceNumber,
      version: sample.version,
      clusterId: sample.record.clusterId ?? null,
      instanceId: sample.record.instanceId ?? null,
    };
    return { raw, decoded: DecodedActivityRecord.of(place, sample.record.databaseActivityEventList) };
  }),
};

function render(output: 'pretty' | 'ndjson' | 'json', options: { redact?: boolean; fields?: string[]; width?: number; filter?: EventFilterSpec } = {}): string {
  const format = eventFormatter(output, makeChalk(0), { utc: true, ...options });
  const filter = options.filter ? compileFilter(options.filter) : undefined;
  const renderer = new BatchRenderer({
    format,
    includeHeartbeats: false,
    onError: 'fail',
    log: new Diagnostics(new TextSink(), makeChalk(0), false),
    ...(filter ? { filter } : {}),
  });
  return Buffer.concat(renderer.render(batch).text).toString('utf8');
}

// Golden files: read them to review a change of output; `npx vitest run test/unit/golden.test.ts --update` writes them anew.
describe('golden output, over the published samples of all four engines', () => {
  it.each([
    ['pretty', () => render('pretty')],
    ['pretty at 80 columns', () => render('pretty', { width: 80 })],
    ['ndjson', () => render('ndjson')],
    ['json', () => render('json')],
    ['ndjson --redact', () => render('ndjson', { redact: true })],
    ['pretty --fields dbUserName,commandText', () => render('pretty', { fields: ['dbUserName', 'commandText'] })],
    ['ndjson --fields logTime,serverType,command', () => render('ndjson', { fields: ['logTime', 'serverType', 'command'] })],
    ['pretty --skip-service-users', () => render('pretty', { filter: { skipServiceUsers: true } })],
    ['pretty --class AUX --class DDL', () => render('pretty', { filter: { classes: ['AUX', 'DDL'] } })],
    ['pretty --command "create*"', () => render('pretty', { filter: { commands: ['create*'] } })],
    ['pretty --user master --database test', () => render('pretty', { filter: { users: ['master'], databases: ['test'] } })],
    ['ndjson --grep persons', () => render('ndjson', { filter: { grep: ['persons'] } })],
    ['pretty --exclude-user rdsadmin --exclude-class MAIN', () => render('pretty', { filter: { excludeUsers: ['rdsadmin'], excludeClasses: ['MAIN'] } })],
  ])('%s', async (name, output) => {
    const text = output();
    if (name.startsWith('ndjson')) for (const line of text.trim().split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    await expect(text).toMatchFileSnapshot(`../fixtures/golden/${name.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '')}.txt`);
  });
});
