import { Injectable } from '@nestjs/common';
import { Database } from '@app/database';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export type EndpointChanges = Partial<Pick<WebhookEndpointEntity, 'url' | 'description' | 'minScore' | 'eventTypes' | 'reasonCodes' | 'enabled' | 'disabledReason' | 'maxInFlight' | 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>>;

/** Webhook endpoints in Postgres: the only place that knows their table. */
@Injectable()
export class WebhookEndpointRepository {
  constructor(private readonly database: Database) {}

  private get table() {
    return this.database.current().getRepository(WebhookEndpointEntity);
  }

  async create(values: Omit<EndpointChanges, 'previousSecret' | 'previousSecretExpiresAt'> & Pick<WebhookEndpointEntity, 'url' | 'secret'>): Promise<WebhookEndpointEntity> {
    const now = new Date();
    return this.table.save(this.table.create({ description: null, minScore: null, eventTypes: [], reasonCodes: [], enabled: true, disabledReason: null, maxInFlight: 4, ...values, createdAt: now, updatedAt: now }));
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

  async remove(id: string): Promise<boolean> {
    return ((await this.table.delete({ id })).affected ?? 0) > 0;
  }
}
