import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { profileApiEnv } from './profile-api.config';
import { ProfileApiModule } from './profile-api.module';

void bootstrapService({
  service: 'profile-api',
  description: 'Folds the stream into user profiles in Postgres and serves them over REST.',
  schema: profileApiEnv,
  module: (config) => ProfileApiModule.forRoot(config),
});
