// parquet-wasm publishes its Node build under the `exports` entry "parquet-wasm/node", which our
// "node" module resolution does not read; this points TypeScript at that build's own declarations.
declare module 'parquet-wasm/node' {
  export * from 'parquet-wasm/node/parquet_wasm';
}
