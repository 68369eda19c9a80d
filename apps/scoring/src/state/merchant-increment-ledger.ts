export type MerchantIncrements = ReadonlyArray<readonly [field: string, count: number]>;

export interface LedgerEntry {
  /** Per merchant, the increments one batch applied in memory. */
  readonly increments: ReadonlyMap<string, MerchantIncrements>;
  /** When the batch's write went out, on the ledger's clock; null before. */
  sentAt: number | null;
  /** The write succeeded: the entry stays only while a read sent before it has not been installed. */
  stored: boolean;
}

/**
 * Merchant increments applied in memory that a read of the merchant's counts may miss. Partitions
 * are scored concurrently and every partition touches the same merchants: a batch may re-read a
 * merchant (refresh) while another batch's increments to it are on their way to Redis, and installing
 * what it read as the merchant's counts would drop those increments from memory. Reads and writes go
 * out on one Redis connection, so Redis runs them in the order they were sent: a read includes exactly
 * the writes sent before it. The ledger puts both on one clock and says what a read missed.
 * Should the order ever differ (a script re-sent after Redis lost its script cache), the counts are
 * off by that batch until the merchant's next refresh, which reads them again.
 */
export class MerchantIncrementLedger {
  private clock = 0;
  private readonly entries = new Set<LedgerEntry>();
  /** Ticks of reads sent and not yet installed. */
  private readonly reads = new Set<number>();

  /** Call as a read of merchants goes out; pass the tick to withMissed() and readDone(). */
  readSent(): number {
    const tick = ++this.clock;
    this.reads.add(tick);
    return tick;
  }

  readDone(tick: number): void {
    if (this.reads.delete(tick)) this.prune();
  }

  /** A batch's increments, as it takes them (in the same synchronous step that applied them). */
  taken(increments: ReadonlyMap<string, MerchantIncrements>): LedgerEntry {
    const entry: LedgerEntry = { increments, sentAt: null, stored: false };
    this.entries.add(entry);
    return entry;
  }

  /** Call as the batch's write goes out. */
  writeSent(entry: LedgerEntry): void {
    entry.sentAt = ++this.clock;
  }

  /**
   * The write succeeded, or failed: a failed batch's increments never reached Redis and its events
   * are applied again when the batch is retried, so no read may add them.
   */
  settled(entry: LedgerEntry, stored: boolean): void {
    entry.stored = stored;
    if (stored) this.prune();
    else this.entries.delete(entry);
  }

  /** A merchant's fields as read at `tick`, plus the increments to it whose write went out after that read, or not yet. */
  withMissed(tick: number, merchantId: string, fields: Record<string, string>): Record<string, string> {
    let merged = fields;
    for (const entry of this.entries) {
      if (entry.sentAt !== null && entry.sentAt < tick) continue;
      for (const [field, count] of entry.increments.get(merchantId) ?? []) {
        if (merged === fields) merged = { ...fields };
        merged[field] = String(Number(merged[field] ?? 0) + count);
      }
    }
    return merged;
  }

  /** Forgets stored entries every read in flight includes. */
  private prune(): void {
    const oldestRead = Math.min(...this.reads);
    for (const entry of this.entries) if (entry.stored && (entry.sentAt as number) < oldestRead) this.entries.delete(entry);
  }
}
