import type { Consumer, ConsumeOptions, MessageBus } from '@app/bus';
import { GroupMembership } from './group-membership';

/** A bus that refuses the first `refusals` joins, then hands out consumers that record being stopped. */
function bus(refusals: number) {
  const joined: string[] = [];
  const stopped: string[] = [];
  let attempts = 0;
  const consume = async (options: ConsumeOptions): Promise<Consumer> => {
    if (attempts++ < refusals) throw new Error('ECONNREFUSED');
    joined.push(options.group);
    return { stop: async () => void stopped.push(options.group) } as unknown as Consumer;
  };
  return { bus: { consume } as unknown as MessageBus, joined, stopped, attempts: () => attempts };
}

const options = { group: 'g', topics: ['t'], deadLetterTopic: 'dlq', handler: async () => undefined } as ConsumeOptions;

describe('GroupMembership', () => {
  it('joins once what it waits for is ready, and leaving drains the consumer', async () => {
    const fake = bus(0);
    let ready!: () => void;
    const membership = new GroupMembership(fake.bus, options, () => undefined);
    const joining = membership.join(new Promise<void>((resolve) => (ready = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.joined).toEqual([]);
    ready();
    await joining;
    expect(fake.joined).toEqual(['g']);
    await membership.leave();
    expect(fake.stopped).toEqual(['g']);
  });

  it('retries a bus that refuses, saying so each time', async () => {
    const fake = bus(1);
    const warnings: string[] = [];
    await new GroupMembership(fake.bus, options, (message) => warnings.push(message)).join();
    expect(fake.joined).toEqual(['g']);
    expect(warnings).toEqual(['could not join consumer group g, retrying: Error: ECONNREFUSED']);
  });

  it('stops retrying once it leaves, and does not join when what it waited for failed', async () => {
    const refusing = bus(100);
    const membership = new GroupMembership(refusing.bus, options, () => undefined);
    const joining = membership.join();
    await new Promise((resolve) => setTimeout(resolve, 50)); // refused once, waiting to retry
    await membership.leave();
    await joining;
    expect(refusing.attempts()).toBe(1);

    const fake = bus(0);
    await new GroupMembership(fake.bus, options, () => undefined).join(Promise.reject(new Error('shutting down')));
    expect(fake.joined).toEqual([]);
  });
});
