// How the Parquet writer of --security-lake-dir was chosen: npx tsx bench/parquet-writers.ts
// The same 20,000 OCSF events (the lab's pgbench load, as -o ocsf maps it) written by each candidate,
// then read back by DuckDB: write time, CPU, size, and whether the nested columns come back whole.
// hyparquet-writer is a dependency; the others are measured when installed beside it:
//   npm install --no-save @dsnp/parquetjs parquet-wasm apache-arrow
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { SyntheticPgbench } from '../lab/src/pgbench-synthetic.js';
import { toOcsf, type OcsfEvent } from '../src/events/ocsf.js';
import { ocsfParquet } from '../src/sinks/ocsf-parquet.js';

type Candidate = { name: string; write: (events: OcsfEvent[], file: string) => Promise<void> };

function workload(): OcsfEvent[] {
  let n = 7;
  const random = () => (n = (n * 9301 + 49297) % 233280) / 233280;
  const load = new SyntheticPgbench(
    { serverHost: '10.0.1.5', serverVersion: '15.4', databaseName: 'postgres', dbUserName: 'pgbench' },
    { clients: 8, transactionsPerSecond: 400, random, startMicros: Date.UTC(2026, 0, 1) * 1000, runSeconds: 30 },
  );
  return load
    .eventsUntil(Date.UTC(2026, 0, 1) * 1000 + 50_000_000)
    .slice(0, 20_000)
    .map((event, index) =>
      toOcsf(event, { clusterId: 'cluster-A', instanceId: 'db-B', eventId: `s:1:${index}`, region: 'us-east-1', accountId: '000000000000' }),
    );
}

const optional = async (name: string): Promise<Record<string, unknown> | undefined> =>
  import(name).then(
    (module: Record<string, unknown>) => module,
    () => undefined,
  );

async function candidates(): Promise<Candidate[]> {
  const found: Candidate[] = [{ name: 'hyparquet-writer', write: async (events, file) => writeFile(file, ocsfParquet(events, 'bench')) }];
  const parquetjs = (await optional('@dsnp/parquetjs')) as
    | {
        default?: {
          ParquetSchema: new (fields: unknown) => unknown;
          ParquetWriter: {
            openFile(schema: unknown, path: string, options: unknown): Promise<{ appendRow(row: unknown): Promise<void>; close(): Promise<void> }>;
          };
        };
      }
    | undefined;
  if (parquetjs?.default) {
    const { ParquetSchema, ParquetWriter } = parquetjs.default;
    const text = { type: 'UTF8', optional: true };
    const schema = new ParquetSchema({
      time: { type: 'TIMESTAMP_MILLIS', optional: true },
      activity_id: { type: 'INT32', optional: true },
      actor: { optional: true, fields: { user: { optional: true, fields: { name: text } } } },
      query_info: { optional: true, fields: { query_string: text } },
      metadata: { optional: true, fields: { uid: text, profiles: { type: 'UTF8', repeated: true } } },
      unmapped: { repeated: true, fields: { key: { type: 'UTF8' }, value: text } },
    });
    found.push({
      name: '@dsnp/parquetjs',
      async write(events, file) {
        const writer = await ParquetWriter.openFile(schema, file, { compression: 'SNAPPY' });
        for (const event of events) {
          const { actor, query_info, metadata, unmapped } = event as Record<string, Record<string, unknown>>;
          await writer.appendRow({
            time: new Date(event.time as number),
            activity_id: event.activity_id,
            actor,
            query_info,
            metadata: { uid: metadata?.uid, profiles: metadata?.profiles },
            unmapped: Object.entries(unmapped ?? {}).map(([key, value]) => ({ key, value: JSON.stringify(value) })),
          });
        }
        await writer.close();
      },
    });
  }
  const wasm = await optional('parquet-wasm');
  const arrow = await optional('apache-arrow');
  if (wasm && arrow) {
    found.push({
      name: 'parquet-wasm + apache-arrow',
      async write(events, file) {
        const table = (arrow.tableFromJSON as (rows: unknown[]) => unknown)(events.map((event) => ({ ...event, unmapped: JSON.stringify(event.unmapped) })));
        const ipc = (arrow.tableToIPC as (table: unknown, format: string) => Uint8Array)(table, 'stream');
        const wasmTable = (wasm.Table as { fromIPCStream(bytes: Uint8Array): unknown }).fromIPCStream(ipc);
        await writeFile(file, (wasm.writeParquet as (table: unknown) => Uint8Array)(wasmTable));
      },
    });
  }
  return found;
}

async function readBack(file: string, events: OcsfEvent[]): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const rows =
      (
        await connection.runAndReadAll(
          `SELECT count(*) AS n, count(DISTINCT metadata.uid) AS ids, any_value(unmapped['class']) AS class, any_value(actor.user.name) AS user FROM read_parquet('${file}')`,
        )
      ).getRowObjectsJson()[0] ?? {};
    return Number(rows.n) === events.length && Number(rows.ids) === events.length && rows.class !== null && rows.user !== null
      ? 'whole'
      : `incomplete (${JSON.stringify(rows)})`;
  } catch (error) {
    return `unreadable (${(error as Error).message.split('\n')[0]})`;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const events = workload();
const dir = await mkdtemp(join(tmpdir(), 'das-read-parquet-'));
for (const candidate of await candidates()) {
  const file = join(dir, `${candidate.name.replace(/\W+/g, '-')}.parquet`);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let outcome: string;
  try {
    await candidate.write(events, file);
    const used = process.cpuUsage(cpu);
    outcome = `${Math.round(performance.now() - started)} ms (${Math.round((used.user + used.system) / 1000)} ms CPU), ${((await stat(file)).size / 1e6).toFixed(1)} MB, read back: ${await readBack(file, events)}`;
  } catch (error) {
    outcome = `failed: ${(error as Error).message.split('\n')[0]}`;
  }
  process.stdout.write(`${candidate.name}: ${outcome}\n`);
}
