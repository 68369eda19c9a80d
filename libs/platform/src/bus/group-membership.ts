import { describeError, type Consumer, type ConsumeOptions, type MessageBus } from '@app/bus';

/**
 * The one way a service joins a consumer group. `join(after)` joins once `after` has resolved (the
 * database migrated, say; at once by default), retrying while the bus refuses; `leave()`, called from
 * beforeApplicationShutdown so that pools outlive the consumer, drains the batch in hand and commits it.
 * A service whose only work is the group awaits `join()` in onApplicationBootstrap: it does not answer
 * before it consumes. One that needs its database first starts `join(database.whenReady())` in the
 * background and reports not ready meanwhile.
 */
export class GroupMembership {
  private consumer?: Consumer;
  private left = false;

  constructor(
    private readonly bus: MessageBus,
    private readonly options: ConsumeOptions,
    private readonly warn: (message: string) => void,
  ) {}

  async join(after: Promise<unknown> = Promise.resolve()): Promise<void> {
    try {
      await after;
    } catch {
      return; // what it waited for failed for good (the service is stopping): there is nothing to join for
    }
    for (let wait = 500; !this.left; wait = Math.min(wait * 2, 5_000)) {
      try {
        this.consumer = await this.bus.consume(this.options);
        if (this.left) await this.consumer.stop();
        return;
      } catch (error) {
        this.warn(`could not join consumer group ${this.options.group}, retrying: ${describeError(error)}`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  async leave(): Promise<void> {
    this.left = true;
    await this.consumer?.stop();
  }
}
