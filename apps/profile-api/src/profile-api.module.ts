import { Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@app/database';
import { PlatformModule, ServesHttp } from '@app/platform';
import { CreateProfiles1795400000000 } from './migrations/1795400000000-create-profiles';
import { RecentAlertIds1795400000001 } from './migrations/1795400000001-recent-alert-ids';
import { RecentEventIds1795400000002 } from './migrations/1795400000002-recent-event-ids';
import { LastDeviceType1795400000003 } from './migrations/1795400000003-last-device-type';
import type { ProfileApiConfig } from './profile-api.config';
import { ConsumerPositionEntity } from './profiles/consumer-position.entity';
import { ProfileRepository } from './profiles/profile.repository';
import { ProfilesController } from './profiles/profiles.controller';
import { FoldBatchService } from './stream/fold-batch.service';
import { ProfileStreamConsumer } from './stream/profile-stream.consumer';

/** On Fastify: its traffic is shops' profile reads, one small request each, where the server's own work is much of the answer's CPU. */
@ServesHttp({ server: 'fastify' })
@Module({})
export class ProfileApiModule {
  static forRoot(config: ProfileApiConfig): DynamicModule {
    return {
      module: ProfileApiModule,
      imports: [
        PlatformModule.forRoot({
          service: 'profile-api',
          config,
          dependencies: ['bus'],
          highVolumeRoutes: [
            { path: 'v1/profiles', method: RequestMethod.GET },
            { path: 'v1/profiles/:userId', method: RequestMethod.GET },
          ],
        }),
        DatabaseModule.forRoot({
          entities: [ConsumerPositionEntity],
          migrations: [CreateProfiles1795400000000, RecentAlertIds1795400000001, RecentEventIds1795400000002, LastDeviceType1795400000003],
          migrationsTableName: 'profile_api_migrations',
        }),
      ],
      controllers: [ProfilesController],
      providers: [ProfileRepository, FoldBatchService, ...(config.PROFILE_CONSUMER ? [ProfileStreamConsumer] : [])],
    };
  }
}
