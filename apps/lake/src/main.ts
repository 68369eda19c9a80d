import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { lakeEnv } from './lake.config';
import { LakeModule } from './lake.module';

void bootstrapService({
  service: 'lake',
  description: 'Lands events.enriched in the Parquet data lake, each event exactly once, partitioned by event date and hour.',
  schema: lakeEnv,
  module: (config) => LakeModule.forRoot(config),
});
