import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { PlatformModule } from '@app/platform';
import type { ConsoleConfig } from './console.config';
import { ForwardingController } from './forwarding/forwarding.controller';
import { ServiceClient } from './forwarding/service-client';
import { AssetsController } from './pages/assets.controller';
import { PagesController } from './pages/pages.controller';
import { securityHeaders } from './pages/security-headers';
import { PipelineController } from './pipeline/pipeline.controller';
import { PipelineService } from './pipeline/pipeline.service';
import { ConsoleSessions } from './session/console-sessions';
import { SignInController } from './session/sign-in.controller';

@Module({})
export class ConsoleModule implements NestModule {
  static forRoot(config: ConsoleConfig): DynamicModule {
    return {
      module: ConsoleModule,
      imports: [PlatformModule.forRoot({ service: 'console', config, dependencies: [] })],
      // The pipeline's own route before the forwarding one, which takes every other /api path.
      controllers: [SignInController, PagesController, AssetsController, PipelineController, ForwardingController],
      providers: [
        { provide: ConsoleSessions, useValue: new ConsoleSessions(config.CONSOLE_SESSION_IDLE_MINUTES * 60_000, config.CONSOLE_SESSION_MAX_HOURS * 3_600_000) },
        ServiceClient,
        PipelineService,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(securityHeaders).forRoutes('*');
  }
}
