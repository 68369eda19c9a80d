import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { alertsEnv } from './alerts.config';
import { AlertsModule } from './alerts.module';
import { publicAllowedTargets } from './endpoints/allowed-targets';
import { productionSecretKeyProblems } from './signing/secret-box';

void bootstrapService({
  service: 'alerts',
  description: 'Delivers alerts to registered webhooks, signed per Standard Webhooks, retried, never lost.',
  schema: alertsEnv,
  module: (config) => AlertsModule.forRoot(config),
  productionProblems: (config) => [...publicAllowedTargets(config.WEBHOOK_ALLOWED_TARGETS), ...productionSecretKeyProblems(config.WEBHOOK_SECRET_KEYS)],
});
