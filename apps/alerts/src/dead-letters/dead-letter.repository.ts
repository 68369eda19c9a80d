import { Injectable } from '@nestjs/common';
import type { DeadLetterEnvelope } from '@app/contracts';
import { Database } from '@app/database';
import { databaseFailure } from '@app/platform';
import type { DeadLetterReason } from './dead-letter-reason.view';

/** How much of an original a sample shows: enough to see what its producer sent. */
const SAMPLE_CHARACTERS = 2_000;

/** Dead letters in Postgres: the only place that knows their table. */
@Injectable()
export class DeadLetterRepository {
  constructor(private readonly database: Database) {}

  /** Keeps the letters not seen before: a letter delivered twice is kept once. */
  async store(letters: DeadLetterEnvelope[]): Promise<void> {
    if (letters.length === 0) return;
    const dataSource = await this.database.whenReady();
    try {
      await dataSource.query(
        `INSERT INTO dead_letters (consumer_group, origin_topic, origin_partition, origin_offset, reason, dead_lettered_at, payload)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
         ON CONFLICT DO NOTHING`,
        [
          letters.map((l) => l.group),
          letters.map((l) => l.origin.topic),
          letters.map((l) => l.origin.partition),
          letters.map((l) => l.origin.offset),
          letters.map((l) => l.reason),
          letters.map((l) => l.deadLetteredAt),
          letters.map((l) => l.payload.slice(0, SAMPLE_CHARACTERS)),
        ],
      );
    } catch (error) {
      throw databaseFailure('storing dead letters failed', error);
    }
  }

  /** The dead letters since `since`, by group, origin topic and reason, the most recent first, with the latest one's original. */
  async reasons(since: Date, limit: number): Promise<DeadLetterReason[]> {
    const rows = (await this.database.current().query(
      `SELECT consumer_group AS "group", origin_topic AS topic, reason, count(*)::int AS count,
              min(dead_lettered_at) AS "firstAt", max(dead_lettered_at) AS "lastAt",
              (array_agg(payload ORDER BY dead_lettered_at DESC))[1] AS sample
       FROM dead_letters WHERE dead_lettered_at >= $1
       GROUP BY consumer_group, origin_topic, reason ORDER BY max(dead_lettered_at) DESC LIMIT $2`,
      [since, limit],
    )) as Array<Omit<DeadLetterReason, 'firstAt' | 'lastAt'> & { firstAt: Date; lastAt: Date }>;
    return rows.map((r) => ({ ...r, firstAt: r.firstAt.toISOString(), lastAt: r.lastAt.toISOString() }));
  }
}
