import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@app/platform';
import type { IngestConfig } from './ingest.config';

@Module({})
export class IngestModule {
  static forRoot(config: IngestConfig): DynamicModule {
    return {
      module: IngestModule,
      imports: [PlatformModule.forRoot({ service: 'ingest', config, dependencies: ['redis'] })],
    };
  }
}
