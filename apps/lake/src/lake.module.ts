import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@app/platform';
import type { LakeConfig } from './lake.config';
import { LakeFilesRepository } from './lake-files.repository';
import { LakeSinkConsumer } from './lake-sink.consumer';
import { LakeSinkService } from './lake-sink.service';

/** The lake sink: events.enriched to Parquet. It needs neither the geo database nor Redis, so it stays small. */
@Module({})
export class LakeModule {
  static forRoot(config: LakeConfig): DynamicModule {
    return {
      module: LakeModule,
      imports: [PlatformModule.forRoot({ service: 'lake', config, dependencies: ['bus'] })],
      providers: [LakeFilesRepository, LakeSinkService, LakeSinkConsumer],
    };
  }
}
