import { KAFKA_RETRY } from './kafka-retry';
import { retryWhile } from './retry-while';

const failing = (name: string) => Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name });
const brokerAway = (e: Error) => e.name === 'KafkaJSConnectionError';

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
    let tries = 0;
    const attempt = async () => {
      tries++;
      throw failing('KafkaJSNumberOfRetriesExceeded');
    };
    await expect(retryWhile(brokerAway, attempt, async () => undefined)).rejects.toThrow('ECONNREFUSED');
    expect(tries).toBe(1);
  });

  it("gives up after the retry policy's attempts, with the last failure", async () => {
    let tries = 0;
    const attempt = async () => {
      tries++;
      throw failing('KafkaJSConnectionError');
    };
    await expect(retryWhile(brokerAway, attempt, async () => undefined)).rejects.toThrow('ECONNREFUSED');
    expect(tries).toBe(KAFKA_RETRY.retries);
  });
});
