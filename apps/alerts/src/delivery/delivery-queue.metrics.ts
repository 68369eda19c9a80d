import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { DeliveryRepository } from './delivery.repository';

const DEPTH = 'alerts_webhook_queue_depth';
const OLDEST_DUE = 'alerts_webhook_oldest_due_seconds';

/** The delivery queue in Postgres, read at each scrape: how many wait, and how long the most overdue has waited. */
@Injectable()
export class DeliveryQueueMetrics implements OnModuleDestroy {
  constructor(deliveries: DeliveryRepository) {
    // A second app in the same process (tests) takes the names over: the newest repository answers.
    this.onModuleDestroy();
    // One query answers both gauges of a scrape; a failed read leaves them out of it, /metrics still answers.
    let figures: ReturnType<DeliveryRepository['queueFigures']> | null = null;
    const read = () => (figures ??= deliveries.queueFigures().finally(() => setImmediate(() => (figures = null))));
    new Gauge({
      name: DEPTH,
      help: 'Webhook deliveries waiting to be sent (due now, or at their next retry)',
      async collect() {
        const answer = await read().catch(() => null);
        if (answer) this.set(answer.pending);
      },
    });
    new Gauge({
      name: OLDEST_DUE,
      help: 'How long the most overdue delivery has been due (0: none is overdue); it grows while deliveries cannot keep up',
      async collect() {
        const answer = await read().catch(() => null);
        if (answer) this.set(answer.oldestDueSeconds);
      },
    });
  }

  onModuleDestroy(): void {
    register.removeSingleMetric(DEPTH);
    register.removeSingleMetric(OLDEST_DUE);
  }
}
