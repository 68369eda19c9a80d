import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@app/platform';
import type { ProfileApiConfig } from './profile-api.config';

@Module({})
export class ProfileApiModule {
  static forRoot(config: ProfileApiConfig): DynamicModule {
    return {
      module: ProfileApiModule,
      imports: [PlatformModule.forRoot({ service: 'profile-api', config, dependencies: ['postgres'] })],
    };
  }
}
