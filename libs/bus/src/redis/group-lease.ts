import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { GROUP_LIVENESS_TTL_MS, groupLivenessKey } from './stream-keys';

/** Renews the lease only for its holder; a lapsed lease is taken again if nobody took it meanwhile. */
const RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return holder end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Another member holds the group: this one must not read, or the two would split partitions' entries between them. */
export class GroupHeldError extends Error {
  constructor(group: string, holder: string) {
    super(
      `consumer group "${group}" is held by another running member (${holder}): on Redis Streams a group has one member at a time (partitions would lose their order, and a member's position could skip the other's records); run one instance, or use Kafka to scale out`,
    );
    this.name = 'GroupHeldError';
  }
}

/**
 * The single membership of a consumer group on Redis Streams: a key with a short expiry that the
 * running member renews. Redis gives a group's entries to whichever member reads, in any order,
 * so a second member would break per-partition order and position-based dedupe; it is refused.
 * A member that crashed holds the key until it expires (GROUP_LIVENESS_TTL_MS): a restart waits that out.
 */
export class GroupLease {
  readonly holder: string;
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    private readonly group: string,
    consumerName: string,
  ) {
    this.key = groupLivenessKey(group);
    this.holder = `${consumerName}/${process.pid}/${randomBytes(3).toString('hex')}`;
  }

  /** Takes the lease, waiting up to twice its expiry for a crashed member's to lapse; refuses a live one. */
  async acquire(): Promise<void> {
    const deadline = Date.now() + 2 * GROUP_LIVENESS_TTL_MS;
    for (;;) {
      if ((await this.redis.set(this.key, this.holder, 'PX', GROUP_LIVENESS_TTL_MS, 'NX')) === 'OK') return;
      const holder = await this.redis.get(this.key);
      if (Date.now() > deadline && holder !== null) throw new GroupHeldError(this.group, holder);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Keeps the lease; throws GroupHeldError when another member took it after this one's lapsed. */
  async renew(): Promise<void> {
    const holder = (await this.redis.eval(RENEW, 1, this.key, this.holder, GROUP_LIVENESS_TTL_MS)) as string | null;
    if (holder) throw new GroupHeldError(this.group, holder);
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.holder);
  }
}
