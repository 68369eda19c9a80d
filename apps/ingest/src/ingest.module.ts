import { Module, type DynamicModule } from '@nestjs/common';
import { GeoLookup } from '@app/enrichment';
import { PlatformModule } from '@app/platform';
import { SeenEventsRepository } from './dedupe/seen-events.repository';
import { DecideEventUseCase } from './decisions/decide-event.use-case';
import { DecisionReplies } from './decisions/decision-replies';
import { DecisionStoreRepository } from './decisions/decision-store.repository';
import { DecisionsController } from './decisions/decisions.controller';
import { EventLoopLag } from './decisions/event-loop-lag';
import { EnrichService, GEO_LOOKUP } from './enrichment/enrich.service';
import { EventsController } from './events/events.controller';
import type { IngestConfig } from './ingest.config';
import { IngestEventsUseCase } from './ingestion/ingest-events.use-case';
import { RawEventsConsumer } from './ingestion/raw-events.consumer';
import { TokenBuckets } from './rate-limit/token-bucket';
import { ReferenceDataRepository } from './reference-data/reference-data.repository';

/** Ingest's parts by role (INGEST_ROLES): enrichment serves both `http` and `raw`. */
@Module({})
export class IngestModule {
  static forRoot(config: IngestConfig): DynamicModule {
    const roles = config.INGEST_ROLES;
    return {
      module: IngestModule,
      imports: [PlatformModule.forRoot({ service: 'ingest', config, dependencies: ['redis'] })],
      controllers: roles.has('http') ? [EventsController, DecisionsController] : [],
      providers: [
        { provide: GEO_LOOKUP, useFactory: () => GeoLookup.open(config.GEOIP_DATABASES ? config.GEOIP_DATABASES.split(',').map((f) => f.trim()) : undefined) },
        EnrichService,
        ReferenceDataRepository,
        SeenEventsRepository,
        IngestEventsUseCase,
        ...(roles.has('http')
          ? [
              // One budget per key for events and decisions alike.
              { provide: TokenBuckets, useFactory: () => new TokenBuckets(config.INGEST_RATE_LIMIT_PER_SECOND, config.INGEST_RATE_LIMIT_BURST) },
              DecisionReplies,
              DecisionStoreRepository,
              EventLoopLag,
              DecideEventUseCase,
            ]
          : []),
        ...(roles.has('raw') ? [RawEventsConsumer] : []),
      ],
    };
  }
}
