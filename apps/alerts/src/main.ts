import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { alertsEnv } from './alerts.config';
import { AlertsModule } from './alerts.module';

void bootstrapService({
  service: 'alerts',
  description: 'Delivers alerts to registered webhooks, signed per Standard Webhooks, retried, never lost.',
  schema: alertsEnv,
  module: (config) => AlertsModule.forRoot(config),
});
