import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { describeError } from '@app/bus';
import { Database } from '@app/database';
import { WebhookEndpointRepository } from '../endpoints/webhook-endpoint.repository';
import { SecretBox } from './secret-box';

/**
 * At boot, once the database is there: every webhook secret not sealed with the first key of
 * WEBHOOK_SECRET_KEYS (stored in plaintext, or under a key being rotated out) is resealed with it.
 */
@Injectable()
export class SecretRewrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(SecretRewrap.name);

  constructor(
    private readonly database: Database,
    private readonly endpoints: WebhookEndpointRepository,
    private readonly secretBox: SecretBox,
  ) {}

  onApplicationBootstrap(): void {
    void this.database.whenReady().then(
      () => this.rewrap(),
      () => undefined,
    );
  }

  private async rewrap(): Promise<void> {
    try {
      const { rewrapped, unreadable } = await this.endpoints.rewrapSecrets();
      if (rewrapped > 0) this.logger.log(`${rewrapped} webhook secrets resealed with key "${this.secretBox.sealingKeyId}"`);
      if (unreadable.length > 0)
        this.logger.warn(
          `no key of WEBHOOK_SECRET_KEYS opens the secret of webhook endpoints ${unreadable.join(', ')}: their deliveries fail until the key is given back`,
        );
    } catch (error) {
      this.logger.warn(`resealing webhook secrets failed; they are resealed at the next boot: ${describeError(error)}`);
    }
  }
}
