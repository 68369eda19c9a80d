import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { Counter } from 'prom-client';
import { ReferenceChanges, ReferenceDataCache, ReferenceDataReader, type ReferenceLookup } from '@app/enrichment';
import { APP_CONFIG, REDIS } from '@app/platform';
import type { IngestConfig } from '../ingest.config';

const lookups = new Counter({
  name: 'ingest_reference_lookups_total',
  help: "Events' reference-data lookups by where they were answered: cached (in process) or fetched (a batch's round trip to Redis)",
  labelNames: ['answered'],
});

/** Ingest's reference data: Redis behind an in-process cache that Redis keeps current (INGEST_REFERENCE_CACHE_ENTRIES). */
@Injectable()
export class ReferenceDataSource implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ReferenceDataSource.name);
  readonly lookup: ReferenceLookup;
  private readonly changes: ReferenceChanges | null = null;

  constructor(@Inject(REDIS) redis: Redis, @Inject(APP_CONFIG) config: IngestConfig) {
    const reader = new ReferenceDataReader(redis);
    if (config.INGEST_REFERENCE_CACHE_ENTRIES === 0) {
      this.lookup = reader;
      return;
    }
    const cache = new ReferenceDataCache(reader, config.INGEST_REFERENCE_CACHE_ENTRIES, ({ cached, fetched }) => {
      if (cached > 0) lookups.inc({ answered: 'cached' }, cached);
      if (fetched > 0) lookups.inc({ answered: 'fetched' }, fetched);
    });
    this.changes = new ReferenceChanges(redis, cache, (message) => this.logger.warn(message));
    this.lookup = cache;
  }

  onModuleInit(): void {
    this.changes?.start();
  }

  onApplicationShutdown(): void {
    this.changes?.stop();
  }
}
