import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import type { OcsfEvent } from '../events/ocsf.js';

/**
 * OCSF Datastore Activity events as one Apache Parquet file, in OCSF's own nesting: objects as
 * structs, string arrays as lists, timestamp_t as Parquet timestamps (milliseconds, UTC), and
 * `unmapped` as a map of each field to its JSON text, as Security Lake's tables hold it. The
 * columns are the attributes das-read's mapping writes (src/events/ocsf.ts): keep them in step.
 */
type Leaf = 'string' | 'int32' | 'int64' | 'timestamp' | 'list<string>' | 'map<string,string>';
interface Struct {
  [field: string]: Leaf | Struct;
}

const ENDPOINT: Struct = { ip: 'string', hostname: 'string', name: 'string', port: 'int32' };

export const OCSF_PARQUET_COLUMNS: Struct = {
  category_uid: 'int32',
  category_name: 'string',
  class_uid: 'int32',
  class_name: 'string',
  activity_id: 'int32',
  activity_name: 'string',
  type_uid: 'int64',
  type_name: 'string',
  time: 'timestamp',
  start_time: 'timestamp',
  end_time: 'timestamp',
  timezone_offset: 'int32',
  severity_id: 'int32',
  severity: 'string',
  status_id: 'int32',
  status: 'string',
  status_code: 'string',
  status_detail: 'string',
  actor: { user: { name: 'string', type_id: 'int32', type: 'string' }, session: { uid: 'string' }, process: { pid: 'int32' } },
  src_endpoint: ENDPOINT,
  dst_endpoint: ENDPOINT,
  database: { name: 'string', type: 'string', type_id: 'int32', uid: 'string' },
  table: { name: 'string' },
  query_info: { query_string: 'string' },
  cloud: { provider: 'string', region: 'string', account: { uid: 'string', type_id: 'int32', type: 'string' } },
  metadata: {
    version: 'string',
    uid: 'string',
    original_time: 'string',
    product: { name: 'string', vendor_name: 'string', feature: { name: 'string' } },
    log_name: 'string',
    log_provider: 'string',
    log_version: 'string',
    event_code: 'string',
    profiles: 'list<string>',
  },
  unmapped: 'map<string,string>',
};

interface SchemaElement {
  name: string;
  type?: 'BYTE_ARRAY' | 'INT32' | 'INT64';
  converted_type?: 'UTF8' | 'TIMESTAMP_MILLIS' | 'LIST' | 'MAP';
  repetition_type: 'OPTIONAL' | 'REQUIRED' | 'REPEATED';
  num_children?: number;
}

const STRING = { type: 'BYTE_ARRAY', converted_type: 'UTF8' } as const;

function elementsOf(name: string, spec: Leaf | Struct): SchemaElement[] {
  if (typeof spec === 'object') {
    return [
      { name, repetition_type: 'OPTIONAL', num_children: Object.keys(spec).length },
      ...Object.entries(spec).flatMap(([field, child]) => elementsOf(field, child)),
    ];
  }
  switch (spec) {
    case 'string':
      return [{ name, ...STRING, repetition_type: 'OPTIONAL' }];
    case 'int32':
      return [{ name, type: 'INT32', repetition_type: 'OPTIONAL' }];
    case 'int64':
      return [{ name, type: 'INT64', repetition_type: 'OPTIONAL' }];
    case 'timestamp':
      return [{ name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' }];
    case 'list<string>':
      return [
        { name, converted_type: 'LIST', repetition_type: 'OPTIONAL', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', ...STRING, repetition_type: 'REQUIRED' },
      ];
    case 'map<string,string>':
      return [
        { name, converted_type: 'MAP', repetition_type: 'OPTIONAL', num_children: 1 },
        { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
        { name: 'key', ...STRING, repetition_type: 'REQUIRED' },
        { name: 'value', ...STRING, repetition_type: 'OPTIONAL' },
      ];
  }
}

const SCHEMA: SchemaElement[] = [
  { name: 'schema', repetition_type: 'REQUIRED', num_children: Object.keys(OCSF_PARQUET_COLUMNS).length },
  ...Object.entries(OCSF_PARQUET_COLUMNS).flatMap(([name, spec]) => elementsOf(name, spec)),
];

/** A value as its column holds it; an attribute the mapping did not set is null. */
function columnValue(spec: Leaf | Struct, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof spec === 'object') {
    const fields = value as Record<string, unknown>;
    return Object.fromEntries(Object.entries(spec).map(([field, child]) => [field, columnValue(child, fields[field])]));
  }
  switch (spec) {
    case 'timestamp':
      return new Date(value as number);
    case 'int64':
      return BigInt(value as number);
    case 'map<string,string>':
      return Object.entries(value as Record<string, unknown>).map(([key, item]) => ({ key, value: item === undefined ? null : JSON.stringify(item) }));
    default:
      return value;
  }
}

/** The events, in the order given, as the bytes of one Parquet file (snappy-compressed). */
export function ocsfParquet(events: readonly OcsfEvent[], createdBy: string): Uint8Array {
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    schema: SCHEMA as never,
    columnData: Object.entries(OCSF_PARQUET_COLUMNS).map(([name, spec]) => ({ name, data: events.map((event) => columnValue(spec, event[name])) })),
    createdBy,
  });
  return new Uint8Array(writer.getBuffer());
}
