import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createBus, type MessageBus } from '@app/bus';
import type { TopicMap } from '@app/contracts';
import type { Logger } from 'pino';
import type { ServiceEnv } from './config/service-env';
import { PLATFORM_OPTIONS, ROOT_LOGGER, TOPICS, type PlatformOptions } from './platform.options';

export const MESSAGE_BUS = Symbol('MESSAGE_BUS');

/** Owns the service's bus connection: creates the platform's topics at boot, drains and closes it at shutdown. */
@Injectable()
export class BusLifecycle implements OnModuleInit, OnApplicationShutdown {
  readonly bus: MessageBus;
  private readonly logger: Logger;
  private readonly partitions: number;

  constructor(
    @Inject(PLATFORM_OPTIONS) options: PlatformOptions,
    @Inject(TOPICS) private readonly topics: TopicMap,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'bus' });
    // Provided only to services whose dependencies name the bus: their config is a whole ServiceEnv.
    const config = options.config as ServiceEnv;
    this.partitions = config.BUS_PARTITIONS;
    const { BUS_TOPIC_PREFIX: prefix, BUS_RETENTION_HOURS: hours, BUS_TOPIC_RETENTION_HOURS: perTopic } = config;
    const retentionMs = (topic: string) => (perTopic.get(topic.startsWith(prefix) ? topic.slice(prefix.length) : topic) ?? hours) * 3_600_000;
    this.bus = createBus({
      url: config.BUS_URL,
      clientId: options.service,
      logger: this.logger,
      transientRetryBudgetMs: config.BUS_TRANSIENT_RETRY_BUDGET_S * 1000,
      retentionMs,
      kafka: config,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.bus.ensureTopics(Object.values(this.topics).map((topic) => ({ topic, partitions: this.partitions })));
  }

  /** Runs after the HTTP server closed: consumers finish their batch in hand and commit, producers flush. */
  async onApplicationShutdown(signal?: string): Promise<void> {
    const started = Date.now();
    await this.bus.close();
    this.logger.info({ signal, ms: Date.now() - started }, 'bus drained: batches in hand committed, publishes flushed');
  }
}
