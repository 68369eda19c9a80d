import { KAFKA_RETRY } from './kafka-retry';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `attempt`, tried again while it fails with an error `transient` accepts, with KAFKA_RETRY's attempts and
 * backoff: for the failures kafkajs itself does not ride out. Imports stay relative (producer threads).
 */
export async function retryWhile<T>(
  transient: (error: Error) => boolean,
  attempt: () => Promise<T>,
  wait: (ms: number) => Promise<unknown> = pause,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!transient(error as Error) || tries >= KAFKA_RETRY.retries) throw error;
      await wait(Math.min(KAFKA_RETRY.maxRetryTime, KAFKA_RETRY.initialRetryTime * 2 ** tries));
    }
  }
}
