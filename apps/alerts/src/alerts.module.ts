import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@app/platform';
import type { AlertsConfig } from './alerts.config';

@Module({})
export class AlertsModule {
  static forRoot(config: AlertsConfig): DynamicModule {
    return {
      module: AlertsModule,
      imports: [PlatformModule.forRoot({ service: 'alerts', config, dependencies: ['postgres'] })],
    };
  }
}
