import type { Consumer, ConsumeOptions, MessageBus } from '@app/bus';
import { describeError } from '@app/bus';
import type { Database } from './database.module';

/**
 * A consumer group for a service that writes to Postgres: joined once the database is migrated (the
 * service starts and reports not ready before that), re-tried while the bus is down, and stopped by
 * `stop()`, which the owner calls in beforeApplicationShutdown so the pool outlives the consumer.
 */
export class ConsumerAfterDatabase {
  private consumer?: Consumer;
  private stopped = false;

  constructor(
    private readonly bus: MessageBus,
    private readonly options: ConsumeOptions,
    private readonly warn: (message: string) => void,
  ) {}

  startWhenReady(database: Database): void {
    void database.whenReady().then(() => this.join(), () => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.stop();
  }

  private async join(): Promise<void> {
    for (let wait = 500; !this.stopped; wait = Math.min(wait * 2, 5_000)) {
      try {
        this.consumer = await this.bus.consume(this.options);
        if (this.stopped) await this.consumer.stop();
        return;
      } catch (error) {
        this.warn(`could not join consumer group ${this.options.group}, retrying: ${describeError(error)}`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}
