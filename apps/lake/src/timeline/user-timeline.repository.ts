import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DuckDBInstance } from '@duckdb/node-api';
import { APP_CONFIG } from '@app/platform';
import type { LakeConfig } from '../lake.config';
import type { TimelineEvent } from './timeline-event.view';

const DAY_MS = 86_400_000;

/**
 * A customer's events read back from the lake with DuckDB: the days asked for (their `dt` folders
 * only), newest first. A scan of those days' files, since the lake is laid out by time, not by customer:
 * milliseconds on a demo lake, seconds on a large one; for the console's customer page, not a hot path.
 */
@Injectable()
export class UserTimelineRepository implements OnModuleDestroy {
  private instance: Promise<DuckDBInstance> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: LakeConfig) {}

  async events(userId: string, days: number, limit: number, now = Date.now()): Promise<TimelineEvent[]> {
    const root = join(this.config.LAKE_DIR, 'events');
    if (!existsSync(root)) return [];
    const since = new Date(now - days * DAY_MS).toISOString().slice(0, 10);
    const connection = await (await (this.instance ??= DuckDBInstance.create(':memory:'))).connect();
    try {
      const reader = await connection.runAndReadAll(
        `SELECT event_id AS "eventId", type, strftime(occurred_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "occurredAt", amount, currency,
                merchant_id AS "merchantId", geo_country AS country, geo_city AS city, ua_device_type AS "deviceType",
                ua_browser AS browser, flags
         FROM read_parquet($glob, hive_partitioning = true, hive_types = {'dt': DATE, 'hour': INTEGER}, union_by_name = true)
         WHERE dt >= $since::DATE AND user_id = $user
         ORDER BY occurred_at DESC LIMIT $limit`,
        { glob: `${root}/**/*.parquet`, since, user: userId, limit },
      );
      return reader.getRowObjectsJS() as unknown as TimelineEvent[];
    } catch (error) {
      // A lake with no file yet: nothing to show.
      if (/No files found/i.test((error as Error).message)) return [];
      throw error;
    } finally {
      connection.closeSync();
    }
  }

  async onModuleDestroy(): Promise<void> {
    (await this.instance)?.closeSync();
  }
}
