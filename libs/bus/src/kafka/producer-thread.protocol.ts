import type { IHeaders } from 'kafkajs';
import type { KafkaConnection } from './kafka-connection';
import type { KafkaLogLevelName } from './kafka-log-level';

/** Messages between the main thread and a producer thread. Plain data: they cross postMessage. */
export interface ProducerThreadData {
  connection: KafkaConnection;
  clientId: string;
}

export interface ThreadMessage {
  key: string | null;
  value: Buffer | string;
  partition: number;
  headers?: IHeaders;
  timestamp?: string;
}

/** A failed send or reset. kafkaType: the broker's error code name, where kafkajs gave one. */
export interface ProducerFailure {
  name: string;
  message: string;
  kafkaType?: string;
}

/** A line kafkajs logged, for the service's logger. */
export interface ProducerLog {
  level: KafkaLogLevelName;
  message: string;
  extra: Record<string, unknown>;
}

export type ToProducerThread =
  | { type: 'send'; id: number; topicMessages: Array<{ topic: string; messages: ThreadMessage[] }> }
  /** Replace the producer (kafkajs keeps failing on metadata for a topic deleted under it). */
  | { type: 'reset'; id: number }
  | { type: 'close' };

export type FromProducerThread = { type: 'done'; id: number } | ({ type: 'failed'; id: number } & ProducerFailure) | ({ type: 'log' } & ProducerLog);
