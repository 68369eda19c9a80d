import type Redis from 'ioredis';
import { REFERENCE_KEYS } from './reference-keys';
import type { ReferenceDataset } from './reference-data.reader';

/** What hears of changes tells: the cache (ReferenceDataCache) is its only listener. */
export interface ReferenceChangeListener {
  trust(): void;
  distrust(): void;
  forget(datasets: readonly ReferenceDataset[]): void;
}

const INVALIDATION_CHANNEL = '__redis__:invalidate';
const DATASET_OF_KEY = new Map<string, ReferenceDataset>(Object.entries(REFERENCE_KEYS).map(([dataset, key]) => [key, dataset as ReferenceDataset]));
/** Every reference key starts so (REFERENCE_KEYS); the loader's temporary keys too, whose changes are ignored. */
const PREFIX = 'ref:';
/** A connection silently cut (no close seen) would hide changes: it must answer a PING this often, or is dropped. */
export interface ReferenceHeartbeat {
  everyMs: number;
  timeoutMs: number;
}
const HEARTBEAT: ReferenceHeartbeat = { everyMs: 5_000, timeoutMs: 2_000 };

/**
 * Hears every change to reference data from Redis itself (server-assisted client-side caching, `CLIENT
 * TRACKING ... BCAST PREFIX ref:`, Redis 6 or later): Redis names each key a command changed (a loader's
 * RENAME over a live key, an operator's SADD, a DEL, a FLUSHDB), whoever sent it. On a connection of its
 * own, redirected to itself; tracking lives and dies with that connection, so the cache is trusted only
 * between its being set up and the connection closing (a reconnect sets it up afresh, and forgets all).
 * A connection cut without a close (a partition, a paused Redis) is found by a heartbeat: changes go
 * unheard at most its period and timeout (7 s). A Redis without tracking leaves the cache distrusted:
 * every lookup asks Redis, as without a cache.
 */
export class ReferenceChanges {
  private readonly connection: Redis;
  private closing = false;
  private heartbeat?: NodeJS.Timeout;
  /** Counts the connection's closes: a set-up that a close crossed must not trust or distrust the next connection's. */
  private session = 0;

  constructor(
    redis: Redis,
    private readonly listener: ReferenceChangeListener,
    private readonly warn: (message: string) => void,
    private readonly heartbeatEvery: ReferenceHeartbeat = HEARTBEAT,
  ) {
    // Not subscribed again by ioredis after a reconnect: tracking must be set up first (a subscribed connection takes no CLIENT command).
    this.connection = redis.duplicate({ autoResubscribe: false, lazyConnect: true });
    this.connection.on('error', () => undefined); // the cache is distrusted on close; readiness reports Redis
    this.connection.on('close', () => {
      this.session++;
      this.listener.distrust();
    });
    this.connection.on('ready', () => void this.follow());
    this.connection.on('messageBuffer', (channel: Buffer, keys: Buffer[] | null) => {
      if (channel.toString() === INVALIDATION_CHANNEL) this.changed(keys);
    });
  }

  /**
   * Connects in the background (a boot does not wait on a cache): the cache is trusted once tracking is
   * set up, at once or whenever Redis is reachable (ioredis goes on retrying; 'ready' sets it up).
   */
  start(): void {
    void this.connection.connect().catch(() => undefined);
    this.heartbeat = setInterval(() => void this.check(), this.heartbeatEvery.everyMs).unref();
  }

  stop(): void {
    this.closing = true;
    clearInterval(this.heartbeat);
    this.listener.distrust();
    // Not QUIT: it would wait for an answer a cut connection never gives; a subscriber has nothing to finish.
    this.connection.disconnect();
  }

  private async follow(): Promise<void> {
    const session = this.session;
    try {
      const id = await this.connection.client('ID');
      await this.connection.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(id), 'BCAST', 'PREFIX', PREFIX);
      await this.connection.subscribe(INVALIDATION_CHANNEL);
      if (!this.closing && session === this.session) this.listener.trust();
    } catch (error) {
      if (this.closing || session !== this.session) return;
      this.listener.distrust();
      this.warn(`reference data is not cached: Redis does not report its changes (${(error as Error).message})`);
    }
  }

  private async check(): Promise<void> {
    if (this.connection.status !== 'ready') return;
    const answered = await Promise.race([
      this.connection.ping().then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => setTimeout(resolve, this.heartbeatEvery.timeoutMs, false).unref()),
    ]);
    if (!answered && !this.closing) {
      this.listener.distrust();
      this.connection.disconnect(true); // and reconnect: 'ready' sets tracking up again
    }
  }

  /** Null: everything may have changed (FLUSHDB, FLUSHALL). */
  private changed(keys: Buffer[] | null): void {
    if (keys === null) return this.listener.forget([...DATASET_OF_KEY.values()]);
    const datasets = new Set<ReferenceDataset>();
    for (const key of keys) {
      const dataset = DATASET_OF_KEY.get(key.toString());
      if (dataset) datasets.add(dataset);
    }
    if (datasets.size > 0) this.listener.forget([...datasets]);
  }
}
