import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { BatchContext, MessageBus, RecordBatch, TopicRecords } from '@app/bus';
import {
  alertCodec,
  DECISION_KEEP_HEADER,
  DECISION_REPLY_HEADER,
  decisionOfScore,
  enrichedEventCodec,
  scoreCodec,
  subscription,
  type Alert,
  type Score,
  type TopicMap,
} from '@app/contracts';
import { APP_CONFIG, GroupMembership, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { ScoringConfig } from '../scoring.config';
import { DecisionReplyPublisher, type DecisionReply } from './decision-reply.publisher';
import { ScoreBatchService } from './score-batch.service';
import { positionedEvent, type PositionedEvent } from './score-pipeline';

/** events.enriched → ScoreBatchService → scores and alerts, keyed by user; and the scores decisions wait for to their ingest instance. */
@Injectable()
export class ScoringConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScoringConsumer.name);
  private readonly membership: GroupMembership;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(TOPICS) private readonly topics: TopicMap,
    @Inject(APP_CONFIG) private readonly config: ScoringConfig,
    private readonly scoring: ScoreBatchService,
    private readonly replies: DecisionReplyPublisher,
  ) {
    this.membership = new GroupMembership(
      bus,
      {
        ...subscription('scoring', config.BUS_TOPIC_PREFIX),
        deadLetterTopic: topics.invalid,
        maxBatchSize: config.SCORING_MAX_BATCH,
        concurrentPartitions: config.SCORING_CONCURRENT_PARTITIONS,
        handler: (batch, context) => this.handle([batch], context),
        handleTogether: (batches, context) => this.handle(batches, context),
      },
      (message) => this.logger.warn(message),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.ensureTopics([this.topics.scores, this.topics.alerts].map((topic) => ({ topic, partitions: this.config.BUS_PARTITIONS })));
    await this.membership.join();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.membership.leave();
  }

  /** One partition's batch, or several partitions' read together: scored in one call either way. */
  private async handle(batches: RecordBatch[], context: BatchContext): Promise<void> {
    /** Event id → where the ingest instance waiting for its decision hears it (POST /v1/decisions). */
    const waiting = new Map<string, Omit<DecisionReply, 'decision'>>();
    const parts = batches.map(({ topic, partition, records }) => {
      const events: PositionedEvent[] = [];
      for (const record of records) {
        const event = enrichedEventCodec.decode(record.value);
        if (typeof event === 'string') {
          context.deadLetter(record, event);
          continue;
        }
        events.push(positionedEvent(record.offset, event));
        const channel = record.headers[DECISION_REPLY_HEADER];
        if (channel === undefined) continue;
        const keepMs = Number(record.headers[DECISION_KEEP_HEADER]);
        // Without how long to keep the answer (not a record ingest wrote), the asker falls back at its deadline.
        if (Number.isSafeInteger(keepMs) && keepMs > 0) waiting.set(event.eventId, { channel, keepMs });
      }
      return { topic, partition, events };
    });
    await this.scoring.score(parts, async (scores, alerts) => this.outputs(scores, alerts, waiting));
  }

  /** The decisions waited for go back at once; the scores and alerts as records of their topics. */
  private outputs(scores: Score[], alerts: Alert[], waiting: Map<string, Omit<DecisionReply, 'decision'>>): TopicRecords[] {
    if (waiting.size > 0)
      this.replies.send(
        scores.flatMap((score) => {
          const to = waiting.get(score.eventId);
          return to ? [{ ...to, decision: decisionOfScore(score) }] : [];
        }),
      );
    return [
      { topic: this.topics.scores, records: scores.map((score) => ({ key: score.userId, value: scoreCodec.encode(score) })) },
      { topic: this.topics.alerts, records: alerts.map((alert) => ({ key: alert.userId, value: alertCodec.encode(alert) })) },
    ];
  }
}
