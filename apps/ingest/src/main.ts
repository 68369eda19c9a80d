import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { ingestEnv } from './ingest.config';
import { IngestModule } from './ingest.module';

void bootstrapService({
  service: 'ingest',
  description: 'Accepts events over HTTP and from events.raw, validates and enriches them, and publishes events.enriched.',
  schema: ingestEnv,
  module: (config) => IngestModule.forRoot(config),
});
