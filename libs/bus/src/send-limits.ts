/**
 * How the engines cut publishes into requests. kafkajs groups a request's messages per partition
 * in quadratic time, and the broker refuses a partition batch over message.max.bytes (1 MB by
 * default): measured here, ~1 MB requests (≈3,000 records of 300 bytes) produce fastest, and
 * bigger ones get slower. Redis runs one Lua call per partition per request, blocking other
 * clients while it runs, so the same bound keeps that short.
 */
export const SEND_LIMITS = {
  maxBytesPerSend: 1_000_000,
  /** ≈100 MB of 1 KB events: beyond this a publisher is told to back off instead of queueing more. */
  maxQueuedItems: 100_000,
};

/** Per-record framing (offsets, lengths, timestamps, CRC share) counted on top of key and value. */
export const RECORD_OVERHEAD_BYTES = 64;

export const byteLength = (data: Buffer | string | null | undefined): number =>
  data == null ? 0 : typeof data === 'string' ? Buffer.byteLength(data) : data.length;
