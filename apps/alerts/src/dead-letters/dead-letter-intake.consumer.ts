import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { MessageBus, RecordBatch } from '@app/bus';
import { deadLetterCodec, subscription, type DeadLetterEnvelope, type TopicMap } from '@app/contracts';
import { Database, DatabaseConsumer } from '@app/database';
import { APP_CONFIG, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { AlertsConfig } from '../alerts.config';
import { DeadLetterRepository } from './dead-letter.repository';

const unreadable = new Counter({
  name: 'alerts_dead_letters_unreadable_total',
  help: 'Records on events.invalid that are not dead letters (a foreign producer): counted and skipped',
});

/**
 * `events.invalid` → the dead letters of the last week in Postgres, for the console's Pipeline page
 * (GET /v1/dead-letters). A record that is not a dead letter is counted and skipped rather than
 * dead-lettered: its dead letter would land on the topic it came from. (Postgres down past the
 * transient retry budget is another matter: the bus dead-letters the batch as for any group, and this
 * group reads it again, wrapped, once Postgres is back.)
 */
@Injectable()
export class DeadLetterIntakeConsumer extends DatabaseConsumer {
  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicMap,
    private readonly deadLetters: DeadLetterRepository,
    database: Database,
    @Inject(APP_CONFIG) config: AlertsConfig,
  ) {
    super(bus, database, { ...subscription('deadLetters', config.BUS_TOPIC_PREFIX), deadLetterTopic: topics.invalid });
  }

  protected async handle(batch: RecordBatch): Promise<void> {
    const letters: DeadLetterEnvelope[] = [];
    for (const record of batch.records) {
      const letter = deadLetterCodec.decode(record.value);
      if (typeof letter === 'string') unreadable.inc();
      else letters.push(letter);
    }
    await this.deadLetters.store(letters);
  }
}
