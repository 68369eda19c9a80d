import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Reads a lake back with DuckDB, a reader independent of the writer (parquet-wasm / arrow-rs), the
 * way analysts will: a Hive-partitioned glob over every Parquet file. `select` is the SQL column list.
 */
export async function readLake(lakeDir: string, select = '*', where = 'true'): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const glob = `${lakeDir.replace(/'/g, "''")}/events/**/*.parquet`;
    const reader = await connection.runAndReadAll(
      `select ${select} from read_parquet('${glob}', hive_partitioning = true, hive_types = {'dt': DATE, 'hour': INTEGER}, union_by_name = true) where ${where}`,
    );
    return reader.getRowObjectsJS() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
