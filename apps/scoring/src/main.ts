import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { scoringEnv } from './scoring.config';
import { ScoringModule } from './scoring.module';

void bootstrapService({
  service: 'scoring',
  description: 'Scores enriched events with windowed features, an ONNX model and rules; publishes scores and alerts.',
  schema: scoringEnv,
  module: (config) => ScoringModule.forRoot(config),
});
