import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { consoleEnv, consoleProductionProblems } from './console.config';
import { ConsoleModule } from './console.module';

void bootstrapService({
  service: 'console',
  description: "The operator console: alerts, customers, rules, models, webhooks and the pipeline, in a browser. Its pages' API is for its pages only.",
  schema: consoleEnv,
  module: (config) => ConsoleModule.forRoot(config),
  productionProblems: consoleProductionProblems,
});
