import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@app/platform';
import type { LakeConfig } from './lake.config';
import { LakeFilesRepository } from './lake-files.repository';
import { LakeSinkConsumer } from './lake-sink.consumer';
import { LakeSinkService } from './lake-sink.service';
import { TimelineController } from './timeline/timeline.controller';
import { UserTimelineRepository } from './timeline/user-timeline.repository';

/** The lake sink: events.enriched to Parquet, and a customer's events read back. It needs neither the geo database nor Redis, so it stays small. */
@Module({})
export class LakeModule {
  static forRoot(config: LakeConfig): DynamicModule {
    return {
      module: LakeModule,
      imports: [PlatformModule.forRoot({ service: 'lake', config, dependencies: ['bus'] })],
      controllers: [TimelineController],
      providers: [LakeFilesRepository, LakeSinkService, LakeSinkConsumer, UserTimelineRepository],
    };
  }
}
