import { DuckDBInstance } from '@duckdb/node-api';

/** Rows of a query over Parquet files, read by DuckDB: an independent reader of what das-read writes. */
export async function duckRows(sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
