import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@app/database';
import { PlatformModule } from '@app/platform';
import type { AlertChannelName, AlertsConfig } from './alerts.config';
import { CasesChannel } from './channels/cases.channel';
import { DELIVERY_CHANNELS, type DeliveryChannel } from './channels/delivery-channel';
import { WebhookEndpointEntity } from './endpoints/webhook-endpoint.entity';
import { WebhookEndpointRepository } from './endpoints/webhook-endpoint.repository';
import { WebhookTargetPolicy } from './endpoints/webhook-target.policy';
import { WebhooksController } from './endpoints/webhooks.controller';
import { DeliveryQueueMetrics } from './delivery/delivery-queue.metrics';
import { DeliveryRepository } from './delivery/delivery.repository';
import { WebhookDispatcher } from './delivery/webhook-dispatcher';
import { WebhookChannel } from './delivery/webhook.channel';
import { AlertIntakeConsumer } from './intake/alert-intake.consumer';
import { AlertRepository } from './intake/alert.repository';
import { AlertSignals } from './intake/alert-signals';
import { FanOutAlertsUseCase } from './intake/fan-out-alerts.use-case';
import { AlertsController } from './intake/alerts.controller';
import { AlertRetentionService } from './retention/alert-retention.service';
import { SecretBox } from './signing/secret-box';
import { SecretRewrap } from './signing/secret-rewrap';
import { AuditController } from './audit/audit.controller';
import { AuditIntakeConsumer } from './audit/audit-intake.consumer';
import { AuditLogRepository } from './audit/audit-log.repository';
import { CreateWebhooks1795500000000 } from './migrations/1795500000000-create-webhooks';
import { CreateDeliveries1795500000001 } from './migrations/1795500000001-create-deliveries';
import { EndpointFailingSince1795500000002 } from './migrations/1795500000002-endpoint-failing-since';
import { DeliveriesDuePerEndpoint1795500000003 } from './migrations/1795500000003-deliveries-due-per-endpoint';
import { CreateAuditLog1795500000004 } from './migrations/1795500000004-create-audit-log';
import { AlertsByUser1795500000005 } from './migrations/1795500000005-alerts-by-user';
import { CreateDeadLetters1795500000006 } from './migrations/1795500000006-create-dead-letters';
import { DeadLetterIntakeConsumer } from './dead-letters/dead-letter-intake.consumer';
import { DeadLetterRepository } from './dead-letters/dead-letter.repository';
import { DeadLettersController } from './dead-letters/dead-letters.controller';

/** Every channel alerts can deliver to, by its name in ALERT_CHANNELS. */
const CHANNELS: Record<AlertChannelName, new (...args: never[]) => DeliveryChannel> = { webhooks: WebhookChannel, cases: CasesChannel };

@Module({})
export class AlertsModule {
  /** The schema's migrations in order (also run by the migration tests). */
  static readonly migrations = [
    CreateWebhooks1795500000000,
    CreateDeliveries1795500000001,
    EndpointFailingSince1795500000002,
    DeliveriesDuePerEndpoint1795500000003,
    CreateAuditLog1795500000004,
    AlertsByUser1795500000005,
    CreateDeadLetters1795500000006,
  ];

  static forRoot(config: AlertsConfig): DynamicModule {
    return {
      module: AlertsModule,
      imports: [
        PlatformModule.forRoot({ service: 'alerts', config, dependencies: ['bus'] }),
        DatabaseModule.forRoot({
          entities: [WebhookEndpointEntity],
          migrations: AlertsModule.migrations,
          migrationsTableName: 'alerts_migrations',
          poolSize: 20,
        }),
      ],
      controllers: [WebhooksController, AlertsController, AuditController, DeadLettersController],
      providers: [
        ...config.ALERT_CHANNELS.map((name) => CHANNELS[name]),
        { provide: DELIVERY_CHANNELS, inject: config.ALERT_CHANNELS.map((name) => CHANNELS[name]), useFactory: (...channels: DeliveryChannel[]) => channels },
        FanOutAlertsUseCase,
        WebhookEndpointRepository,
        AlertRepository,
        AlertSignals,
        AlertIntakeConsumer,
        AuditLogRepository,
        AuditIntakeConsumer,
        DeadLetterRepository,
        DeadLetterIntakeConsumer,
        DeliveryRepository,
        DeliveryQueueMetrics,
        WebhookDispatcher,
        AlertRetentionService,
        SecretRewrap,
        { provide: SecretBox, useValue: new SecretBox(config.WEBHOOK_SECRET_KEYS) },
        { provide: WebhookTargetPolicy, useValue: new WebhookTargetPolicy(config.WEBHOOK_ALLOWED_TARGETS) },
      ],
    };
  }
}
