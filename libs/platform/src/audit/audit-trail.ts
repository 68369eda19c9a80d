import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { MessageBus } from '@app/bus';
import type { AuditAction, AuditRecord, TopicMap } from '@app/contracts';
import { MESSAGE_BUS } from '../bus.provider';
import { PLATFORM_OPTIONS, TOPICS, type PlatformOptions } from '../platform.options';
import { auditRecordCodec } from '@app/contracts';

export interface AuditEntry {
  action: AuditAction;
  target: string;
  before: unknown;
  after: unknown;
}

/**
 * Records an administrative change on `audit` once it is made; alerts keeps the trail in Postgres.
 * The controller answers only after the record is durably published: if the bus refuses it the client
 * gets a 503 (the change stands, and repeating the call records it), never a success with no trail.
 */
@Injectable()
export class AuditTrail {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(TOPICS) private readonly topics: TopicMap,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
  ) {}

  async record(actor: string, entry: AuditEntry): Promise<void> {
    const record: AuditRecord = { id: randomUUID(), at: new Date().toISOString(), service: this.options.service, actor, ...entry };
    await this.bus.publish(this.topics.audit, [{ key: entry.target, value: auditRecordCodec.encode(record) }]);
  }
}
