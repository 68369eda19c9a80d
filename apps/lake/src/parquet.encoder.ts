import { tableToIPC, type Table } from 'apache-arrow';
// parquet-wasm's Node build loads its WebAssembly synchronously at require time (no init call).
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';

/** Encodes an Arrow table as one Parquet file, ZSTD-compressed (dictionary encoding is the writer default). */
export function encodeParquet(table: Table): Uint8Array {
  const properties = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).setCreatedBy('sentinel-stream lake sink').build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties);
}
