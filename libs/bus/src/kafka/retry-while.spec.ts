import { KAFKA_RETRY } from './kafka-retry';
import { retryWhile } from './retry-while';

const failing = (name: string) => Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name });
const brokerAway = (e: Error) => e.name === 'KafkaJSConnectionError';
/** An attempt that always fails with `name`, counting its tries. */
const alwaysFailing = (name: string) => {
  const counted = {
    tries: 0,
    attempt: async (): Promise<never> => {
      counted.tries++;
      throw failing(name);
    },
  };
  return counted;
};

describe('retryWhile', () => {
  it('tries again while the failure is transient, backing off, and returns what the attempt finally gives', async () => {
    const waits: number[] = [];
    let tries = 0;
    const result = await retryWhile(
      brokerAway,
      async () => {
        if (++tries < 4) throw failing('KafkaJSConnectionError');
        return 'connected';
      },
      async (ms) => void waits.push(ms),
    );
    expect(result).toBe('connected');
    expect(waits).toEqual([200, 400, 800]);
  });

  it('rethrows another failure at once', async () => {
    const spent = alwaysFailing('KafkaJSNumberOfRetriesExceeded');
    await expect(retryWhile(brokerAway, spent.attempt, async () => undefined)).rejects.toThrow('ECONNREFUSED');
    expect(spent.tries).toBe(1);
  });

  it("gives up after the retry policy's attempts, with the last failure", async () => {
    const away = alwaysFailing('KafkaJSConnectionError');
    await expect(retryWhile(brokerAway, away.attempt, async () => undefined)).rejects.toThrow('ECONNREFUSED');
    expect(away.tries).toBe(KAFKA_RETRY.retries);
  });
});
