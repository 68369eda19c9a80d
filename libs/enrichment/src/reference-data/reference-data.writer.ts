import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { REFERENCE_KEYS } from './reference-keys';

export type SetDataset = 'denyIps' | 'denyDevices' | 'denyEmailDomains';

export interface MerchantRow {
  merchantId: string;
  category: string | null;
  riskTier: string | null;
}

const CHUNK = 5_000;

/**
 * Replaces a reference dataset as a whole: the new content is built under a temporary key and then
 * RENAMEd over the live one, so ingest sees the old set or the new set, never half of one.
 */
export class ReferenceDataWriter {
  constructor(private readonly redis: Redis) {}

  async replaceMerchants(rows: AsyncIterable<MerchantRow>, onProgress?: (count: number) => void): Promise<number> {
    return this.replace(
      REFERENCE_KEYS.merchants,
      rows,
      (pipeline, key, batch) =>
        pipeline.hset(key, Object.fromEntries(batch.map((r) => [r.merchantId, JSON.stringify({ category: r.category, riskTier: r.riskTier })]))),
      onProgress,
    );
  }

  async replaceSet(dataset: SetDataset, values: AsyncIterable<string>, onProgress?: (count: number) => void): Promise<number> {
    return this.replace(REFERENCE_KEYS[dataset], values, (pipeline, key, batch) => pipeline.sadd(key, ...batch), onProgress);
  }

  private async replace<T>(
    liveKey: string,
    items: AsyncIterable<T>,
    write: (pipeline: ReturnType<Redis['pipeline']>, key: string, batch: T[]) => unknown,
    onProgress?: (count: number) => void,
  ): Promise<number> {
    const loadingKey = `${liveKey}:loading:${randomUUID()}`;
    let count = 0;
    try {
      let batch: T[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const pipeline = this.redis.pipeline();
        write(pipeline, loadingKey, batch);
        const failed = ((await pipeline.exec()) ?? []).find(([error]) => error);
        if (failed) throw failed[0];
        count += batch.length;
        batch = [];
        onProgress?.(count);
      };
      for await (const item of items) {
        batch.push(item);
        if (batch.length >= CHUNK) await flush();
      }
      await flush();
      // An empty file empties the dataset; otherwise the new content takes the live name in one step.
      if (count === 0) await this.redis.del(liveKey);
      else await this.redis.rename(loadingKey, liveKey);
      return count;
    } catch (error) {
      await this.redis.del(loadingKey).catch(() => undefined);
      throw error;
    }
  }
}
