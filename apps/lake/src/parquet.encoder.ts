import { tableToIPC, type Table } from 'apache-arrow';
// parquet-wasm's Node build loads its WebAssembly synchronously at require time (no init call).
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';

/**
 * Encodes an Arrow table as one Parquet file, ZSTD-compressed, dictionary-encoded (the writer's default)
 * but for `plainColumns`, whose values rarely repeat.
 */
export function encodeParquet(table: Table, plainColumns: readonly string[] = []): Uint8Array {
  let properties = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).setCreatedBy('sentinel-stream lake sink');
  for (const column of plainColumns) properties = properties.setColumnDictionaryEnabled(column, false);
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties.build());
}
