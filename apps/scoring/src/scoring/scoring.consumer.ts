import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { BatchContext, MessageBus, RecordBatch } from '@app/bus';
import { consumerGroup, type Alert, type Score, type TopicMap } from '@app/contracts';
import { APP_CONFIG, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { ScoringConfig } from '../scoring.config';
import { parseEnrichedRecord } from './enriched-record.parser';
import { positionedEvent, ScoreBatchService, type PositionedEvent } from './score-batch.service';

export const SCORING_GROUP = 'scoring';

/** events.enriched → ScoreBatchService → scores and alerts, keyed by user. */
@Injectable()
export class ScoringConsumer implements OnApplicationBootstrap {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(TOPICS) private readonly topics: TopicMap,
    @Inject(APP_CONFIG) private readonly config: ScoringConfig,
    private readonly scoring: ScoreBatchService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.ensureTopics([this.topics.scores, this.topics.alerts].map((topic) => ({ topic, partitions: this.config.BUS_PARTITIONS })));
    // The bus owns the consumer from here: closing it at shutdown drains and commits the batch in hand.
    await this.bus.consume({
      group: consumerGroup(this.config.BUS_TOPIC_PREFIX, SCORING_GROUP),
      topics: [this.topics.enriched],
      deadLetterTopic: this.topics.invalid,
      maxBatchSize: this.config.SCORING_MAX_BATCH,
      concurrentPartitions: this.config.SCORING_CONCURRENT_PARTITIONS,
      handler: (batch, context) => this.handle(batch, context),
    });
  }

  private async handle(batch: RecordBatch, context: BatchContext): Promise<void> {
    const events: PositionedEvent[] = [];
    for (const record of batch.records) {
      const event = parseEnrichedRecord(record);
      if (typeof event === 'string') context.deadLetter(record, event);
      else events.push(positionedEvent(record.offset, event));
    }
    await this.scoring.scoreBatch(batch.topic, batch.partition, events, (scores, alerts) => this.publish(scores, alerts));
  }

  private async publish(scores: Score[], alerts: Alert[]): Promise<void> {
    const toRecord = (value: Score | Alert) => ({ key: value.userId, value: JSON.stringify(value) });
    await Promise.all([
      scores.length > 0 ? this.bus.publish(this.topics.scores, scores.map(toRecord)) : undefined,
      alerts.length > 0 ? this.bus.publish(this.topics.alerts, alerts.map(toRecord)) : undefined,
    ]);
  }
}
