import { Inject, Injectable } from '@nestjs/common';
import type { MessageBus } from '@app/bus';
import { caseCodec, caseOf, type Alert, type TopicMap } from '@app/contracts';
import { MESSAGE_BUS, TOPICS } from '@app/platform';
import type { DeliveryChannel } from './delivery-channel';

/**
 * Every alert as a case on the `cases` topic, for a case-management tool to consume. Durable once the
 * bus acknowledges it; a retried batch publishes its cases again, with the same caseId.
 */
@Injectable()
export class CasesChannel implements DeliveryChannel {
  readonly name = 'cases';

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(TOPICS) private readonly topics: TopicMap,
  ) {}

  async accept(alerts: readonly Alert[]): Promise<void> {
    await this.bus.publish(
      this.topics.cases,
      alerts.map((alert) => ({ key: alert.userId, value: caseCodec.encode(caseOf(alert)) })),
    );
  }
}
