import { Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import { AsnLookup, EnrichmentPipeline, enrichmentSteps, GeoLookup } from '@app/enrichment';
import { PlatformModule, ServesHttp } from '@app/platform';
import { SeenEventsRepository } from './dedupe/seen-events.repository';
import { DecideEventUseCase } from './decisions/decide-event.use-case';
import { DecisionIntake } from './decisions/decision-intake';
import { DecisionReplies } from './decisions/decision-replies';
import { DecisionStoreRepository } from './decisions/decision-store.repository';
import { DecisionsController } from './decisions/decisions.controller';
import { EventLoopLag } from './decisions/event-loop-lag';
import { EventsController } from './events/events.controller';
import type { IngestConfig } from './ingest.config';
import { IngestEventsUseCase } from './ingestion/ingest-events.use-case';
import { RawEventsConsumer } from './ingestion/raw-events.consumer';
import { ReferenceDataSource } from './ingestion/reference-data.source';
import { TokenBuckets } from './rate-limit/token-bucket';

/**
 * Ingest's parts by role (INGEST_ROLES): enrichment serves both `http` and `raw`. On Fastify, since its
 * traffic is single events and decisions, where the server's own work per request is much of the
 * answer's CPU; request bodies read by the controllers themselves (NDJSON, exact size limits, errors in
 * the common shape).
 */
@ServesHttp({ server: 'fastify', bodyParser: false })
@Module({})
export class IngestModule {
  static forRoot(config: IngestConfig): DynamicModule {
    const roles = config.INGEST_ROLES;
    return {
      module: IngestModule,
      imports: [
        PlatformModule.forRoot({
          service: 'ingest',
          config,
          dependencies: ['bus', 'redis'],
          highVolumeRoutes: [
            { path: 'v1/events', method: RequestMethod.POST },
            { path: 'v1/decisions', method: RequestMethod.POST },
          ],
        }),
      ],
      controllers: roles.has('http') ? [EventsController, DecisionsController] : [],
      providers: [
        ReferenceDataSource,
        {
          provide: EnrichmentPipeline,
          inject: [ReferenceDataSource],
          useFactory: async (reference: ReferenceDataSource) => {
            const [geo, asns] = await Promise.all([
              GeoLookup.open(config.GEOIP_DATABASES ? config.GEOIP_DATABASES.split(',').map((f) => f.trim()) : undefined),
              config.ASN_DATABASES.length > 0 ? AsnLookup.open(config.ASN_DATABASES) : null,
            ]);
            return new EnrichmentPipeline(enrichmentSteps({ geo, asns, reference: reference.lookup }));
          },
        },
        SeenEventsRepository,
        IngestEventsUseCase,
        ...(roles.has('http')
          ? [
              // One budget per key for events and decisions alike.
              { provide: TokenBuckets, useFactory: () => new TokenBuckets(config.INGEST_RATE_LIMIT_PER_SECOND, config.INGEST_RATE_LIMIT_BURST) },
              DecisionReplies,
              DecisionIntake,
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
