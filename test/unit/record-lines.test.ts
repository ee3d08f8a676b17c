import { describe, expect, it } from 'vitest';
import { recordLines } from '../../src/lambda/record-lines.js';
import { lambdaConfig } from '../../src/lambda/lambda-config.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import { formatNdjson } from '../../src/format/ndjson.js';
import { eventFormatter } from '../../src/format/event-format.js';
import { formatted } from '../../src/format/event-formatter.js';
import type { Decoder } from '../../src/decode/decoder.js';
import type { DasEvent } from '../../src/decode/types.js';
import { heartbeatEvent, postgresEvent } from '../../lab/src/synthetic-events.js';

const place = { shardId: 'shardId-000000000000', sequenceNumber: '42', version: '1.1', clusterId: 'cluster-A', instanceId: 'db-B' };
/** Statements whose text holds what could pass for a line's end: each stays inside its event's one line. */
const events: DasEvent[] = [
  postgresEvent(1, { commandText: 'select\n1;\r\n-- \u2028 \u2029' }),
  heartbeatEvent('2026-01-01 00:00:00+00'),
  {} as never,
  { type: 'record', eventId: 'theirs', commandText: 'é\n' },
  postgresEvent(2, { paramList: ['a\nb'] }),
];
const record = DecodedActivityRecord.of(place, events);
const decoder = { decode: () => Promise.resolve(record) } as unknown as Decoder;
const raw = { shardId: place.shardId, sequenceNumber: place.sequenceNumber, data: new Uint8Array() };

describe("the Lambda's lines", () => {
  it('ndjson: one line an event kept, each as the CLI writes it', async () => {
    const lines = await recordLines(lambdaConfig({ RESOURCE_ID: 'cluster-A' }), () => decoder)(raw, undefined);
    expect(lines).toEqual([0, 2, 3, 4].map((index) => formatNdjson(record, index)));
  });

  it('ocsf, and --fields, and --redact: one line an event, each what the formatter writes for that event alone', async () => {
    for (const env of [{ OUTPUT: 'ocsf' }, { FIELDS: 'commandText,eventId' }, { REDACT: 'true' }]) {
      const config = lambdaConfig({ RESOURCE_ID: 'cluster-A', ...env });
      const lines = await recordLines(config, () => decoder)(raw, undefined);
      expect(lines).toHaveLength(4);
      for (const line of lines) expect(line.indexOf('\n')).toBe(line.length - 1);
      const format = eventFormatter(config.output, undefined, { redact: config.redact, ...(config.fields ? { fields: config.fields } : {}), ocsf: {} });
      expect(lines).toEqual([0, 2, 3, 4].map((index) => formatted(format, record, [index])));
    }
  });
});
