import { Module, type DynamicModule } from '@nestjs/common';
import { GeoLookup } from '@app/enrichment';
import { PlatformModule } from '@app/platform';
import { SeenEventsRepository } from './dedupe/seen-events.repository';
import { EnrichService, GEO_LOOKUP } from './enrichment/enrich.service';
import { EventsController } from './events/events.controller';
import type { IngestConfig } from './ingest.config';
import { IngestEventsUseCase } from './ingestion/ingest-events.use-case';
import { RawEventsConsumer } from './ingestion/raw-events.consumer';
import { LakeFilesRepository } from './lake/lake-files.repository';
import { LakeSinkConsumer } from './lake/lake-sink.consumer';
import { LakeSinkService } from './lake/lake-sink.service';
import { ReferenceDataRepository } from './reference-data/reference-data.repository';

@Module({})
export class IngestModule {
  static forRoot(config: IngestConfig): DynamicModule {
    return {
      module: IngestModule,
      imports: [PlatformModule.forRoot({ service: 'ingest', config, dependencies: ['redis'] })],
      controllers: [EventsController],
      providers: [
        { provide: GEO_LOOKUP, useFactory: () => GeoLookup.open(config.GEOIP_DATABASES ? config.GEOIP_DATABASES.split(',').map((f) => f.trim()) : undefined) },
        EnrichService,
        ReferenceDataRepository,
        SeenEventsRepository,
        IngestEventsUseCase,
        ...(config.INGEST_CONSUMERS ? [RawEventsConsumer] : []),
        ...(config.INGEST_CONSUMERS && config.LAKE_ENABLED ? [LakeFilesRepository, LakeSinkService, LakeSinkConsumer] : []),
      ],
    };
  }
}
