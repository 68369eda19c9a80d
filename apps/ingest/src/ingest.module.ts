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
import { LakeFilesRepository } from './lake/lake-files.repository';
import { LakeSinkConsumer } from './lake/lake-sink.consumer';
import { LakeSinkService } from './lake/lake-sink.service';
import { TokenBuckets } from './rate-limit/token-bucket';
import { ReferenceDataRepository } from './reference-data/reference-data.repository';

/**
 * Ingest's parts by role (INGEST_ROLES): enrichment serves `http` and `raw`; the lake sink needs
 * neither the geo database nor Redis, so a lake-only process stays small.
 */
@Module({})
export class IngestModule {
  static forRoot(config: IngestConfig): DynamicModule {
    const roles = config.INGEST_ROLES;
    const enriches = roles.has('http') || roles.has('raw');
    return {
      module: IngestModule,
      imports: [PlatformModule.forRoot({ service: 'ingest', config, dependencies: enriches ? ['redis'] : [] })],
      controllers: roles.has('http') ? [EventsController, DecisionsController] : [],
      providers: [
        ...(enriches
          ? [
              { provide: GEO_LOOKUP, useFactory: () => GeoLookup.open(config.GEOIP_DATABASES ? config.GEOIP_DATABASES.split(',').map((f) => f.trim()) : undefined) },
              EnrichService,
              ReferenceDataRepository,
              SeenEventsRepository,
              IngestEventsUseCase,
            ]
          : []),
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
        ...(roles.has('lake') ? [LakeFilesRepository, LakeSinkService, LakeSinkConsumer] : []),
      ],
    };
  }
}
