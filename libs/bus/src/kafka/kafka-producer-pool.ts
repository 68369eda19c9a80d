import type { KafkaConnection } from './kafka-connection';
import type { BusLogger } from '../bus-logger';
import type { OutgoingRecord } from '../bus.port';
import { CoalescingSender } from '../coalescing-sender';
import { partitionForKey } from '../partitioning/partition-for-key';
import { RECORD_OVERHEAD_BYTES, SEND_LIMITS, byteLength } from '../send-limits';
import { InProcessProducerClient } from './in-process-producer.client';
import type { ProducerClient } from './producer-client';
import { ProducerThreadClient } from './producer-thread.client';
import type { ThreadMessage } from './producer-thread.protocol';

interface Outgoing {
  topic: string;
  message: ThreadMessage;
}

/**
 * The bus's producers: one in the service's own thread (`threads` 0), or one per producer thread, each
 * owning the partitions p with p % threads === its index. Every partition has one idempotent producer
 * with one request in flight, so its order survives retries, while threads encode in parallel. Each
 * producer coalesces what is submitted while its request is out.
 */
export class KafkaProducerPool {
  private readonly producers: Array<{ client: ProducerClient; sender: CoalescingSender<Outgoing> }>;
  private roundRobin = 0;

  constructor(options: { connection: KafkaConnection; clientId: string; threads: number; logger: BusLogger }) {
    this.producers = Array.from({ length: Math.max(1, options.threads) }, (_, index) => {
      const data = { connection: options.connection, clientId: `${options.clientId}-producer-${index}` };
      const client = options.threads === 0 ? new InProcessProducerClient(data, options.logger) : new ProducerThreadClient(data, options.logger);
      const sender = new CoalescingSender<Outgoing>((items) => client.send(groupByTopic(items)), {
        ...SEND_LIMITS,
        weigh: (item) => byteLength(item.message.value) + byteLength(item.message.key) + RECORD_OVERHEAD_BYTES,
      });
      return { client, sender };
    });
  }

  async send(topic: string, partitions: number, records: OutgoingRecord[]): Promise<void> {
    const perProducer: Outgoing[][] = this.producers.map(() => []);
    for (const record of records) {
      const partition = record.key == null ? this.roundRobin++ % partitions : partitionForKey(record.key, partitions);
      perProducer[partition % this.producers.length].push({
        topic,
        message: {
          key: record.key,
          value: record.value,
          partition,
          headers: record.headers,
          timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
        },
      });
    }
    await Promise.all(perProducer.map((items, i) => this.producers[i].sender.submit(items)));
  }

  warmUp(): void {
    for (const t of this.producers) t.client.warmUp();
  }

  /** After topics were deleted: new producers, in the same threads (no restart cost). */
  async reset(): Promise<void> {
    await Promise.all(this.producers.map((t) => t.sender.flush()));
    await Promise.all(this.producers.map((t) => t.client.reset()));
  }

  async close(): Promise<void> {
    await Promise.all(this.producers.map((t) => t.sender.flush()));
    await Promise.all(this.producers.map((t) => t.client.close()));
  }
}

function groupByTopic(items: Outgoing[]): Array<{ topic: string; messages: ThreadMessage[] }> {
  const byTopic = new Map<string, ThreadMessage[]>();
  for (const { topic, message } of items) {
    const list = byTopic.get(topic);
    if (list) list.push(message);
    else byTopic.set(topic, [message]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
