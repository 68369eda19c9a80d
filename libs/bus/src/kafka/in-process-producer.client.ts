import type { BusLogger } from '../bus-logger';
import type { ProducerClient } from './producer-client';
import { KafkaProducerSession } from './producer-session';
import type { ProducerThreadData, ThreadMessage } from './producer-thread.protocol';

/**
 * A producer in the service's own thread: kafkajs encodes here, with no copy of the records into another
 * isolate and no thread's heap beside the service's (docs/bus.md, "Producers").
 */
export class InProcessProducerClient implements ProducerClient {
  private readonly session: KafkaProducerSession;

  constructor(data: ProducerThreadData, logger: BusLogger) {
    this.session = new KafkaProducerSession(data, ({ level, message, extra }) => logger[level]({ kafka: extra }, message));
  }

  send(topicMessages: Array<{ topic: string; messages: ThreadMessage[] }>): Promise<void> {
    return this.session.send(topicMessages);
  }

  /** Nothing to start ahead: the producer connects at its first send, as a thread's does. */
  warmUp(): void {}

  reset(): Promise<void> {
    return this.session.reset();
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
