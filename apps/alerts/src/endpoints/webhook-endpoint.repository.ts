import { Injectable } from '@nestjs/common';
import { Database } from '@app/database';
import { SecretBox, SecretBoxError } from '../signing/secret-box';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export type EndpointChanges = Partial<
  Pick<WebhookEndpointEntity, 'url' | 'description' | 'minScore' | 'eventTypes' | 'reasonCodes' | 'enabled' | 'disabledReason' | 'maxInFlight'>
>;

/** Webhook endpoints in Postgres: the only place that knows their table. Secrets are sealed here, before any query sees them. */
@Injectable()
export class WebhookEndpointRepository {
  constructor(
    private readonly database: Database,
    private readonly secretBox: SecretBox,
  ) {}

  private get table() {
    return this.database.current().getRepository(WebhookEndpointEntity);
  }

  async create(values: EndpointChanges & Pick<WebhookEndpointEntity, 'url' | 'secret'>): Promise<WebhookEndpointEntity> {
    const now = new Date();
    return this.table.save(
      this.table.create({
        description: null,
        minScore: null,
        eventTypes: [],
        reasonCodes: [],
        enabled: true,
        disabledReason: null,
        maxInFlight: 4,
        ...values,
        secret: this.secretBox.seal(values.secret),
        createdAt: now,
        updatedAt: now,
      }),
    );
  }

  findAll(): Promise<WebhookEndpointEntity[]> {
    return this.table.find({ order: { createdAt: 'ASC' } });
  }

  findOne(id: string): Promise<WebhookEndpointEntity | null> {
    return this.table.findOneBy({ id });
  }

  async update(id: string, changes: EndpointChanges): Promise<WebhookEndpointEntity | null> {
    await this.table.update({ id }, { ...changes, updatedAt: new Date() });
    return this.findOne(id);
  }

  /** The new secret signs from now on; the current one keeps signing beside it until `previousExpiresAt`. */
  async rotateSecret(id: string, secret: string, previousExpiresAt: Date): Promise<WebhookEndpointEntity | null> {
    await this.database
      .current()
      .query('UPDATE webhook_endpoints SET previous_secret = secret, secret = $2, previous_secret_expires_at = $3, updated_at = now() WHERE id = $1', [
        id,
        this.secretBox.seal(secret),
        previousExpiresAt,
      ]);
    return this.findOne(id);
  }

  /**
   * Seals secrets stored in plaintext or with a key that is no longer the first of WEBHOOK_SECRET_KEYS
   * (after a key rotation), so the old key can be dropped. Each row is compared on its old value: a
   * rotation meanwhile wins. Returns how many were rewrapped, and the endpoints whose secret no
   * configured key opens (left as they are).
   */
  async rewrapSecrets(): Promise<{ rewrapped: number; unreadable: string[] }> {
    const rows = (await this.database.current().query('SELECT id, secret, previous_secret FROM webhook_endpoints')) as Array<{
      id: string;
      secret: string;
      previous_secret: string | null;
    }>;
    let rewrapped = 0;
    const unreadable = new Set<string>();
    for (const row of rows) {
      for (const column of ['secret', 'previous_secret'] as const) {
        const stored = row[column];
        if (stored === null || !this.secretBox.needsRewrap(stored)) continue;
        let sealed: string;
        try {
          sealed = this.secretBox.seal(this.secretBox.open(stored));
        } catch (error) {
          if (!(error instanceof SecretBoxError)) throw error;
          unreadable.add(row.id);
          continue;
        }
        const [, changed] = (await this.database
          .current()
          .query(`UPDATE webhook_endpoints SET ${column} = $2 WHERE id = $1 AND ${column} = $3`, [row.id, sealed, stored])) as [unknown, number];
        rewrapped += changed;
      }
    }
    return { rewrapped, unreadable: [...unreadable] };
  }

  async remove(id: string): Promise<boolean> {
    return ((await this.table.delete({ id })).affected ?? 0) > 0;
  }
}
