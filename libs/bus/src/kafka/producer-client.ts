import type { ThreadMessage } from './producer-thread.protocol';

/** One idempotent producer as the pool sees it, in this thread or in a thread of its own. */
export interface ProducerClient {
  /** Resolves when the broker acknowledged every record (acks=all). */
  send(topicMessages: Array<{ topic: string; messages: ThreadMessage[] }>): Promise<void>;
  /** Starts ahead what the first send would otherwise wait for (a thread). */
  warmUp(): void;
  /** A fresh producer: after a topic it used was deleted. */
  reset(): Promise<void>;
  close(): Promise<void>;
}
