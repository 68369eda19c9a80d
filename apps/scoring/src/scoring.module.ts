import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@app/platform';
import type { ScoringConfig } from './scoring.config';

@Module({})
export class ScoringModule {
  static forRoot(config: ScoringConfig): DynamicModule {
    return {
      module: ScoringModule,
      imports: [PlatformModule.forRoot({ service: 'scoring', config, dependencies: ['redis'] })],
    };
  }
}
