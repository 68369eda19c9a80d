import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { PLATFORM_OPTIONS, type PlatformOptions } from './platform.options';

export const REDIS = Symbol('REDIS');

/** The service's Redis client (reference data, window state, rules): repositories inject REDIS. */
@Injectable()
export class RedisLifecycle implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(@Inject(PLATFORM_OPTIONS) options: PlatformOptions) {
    if (!options.config.REDIS_URL) throw new Error('REDIS_URL is required by a service that depends on redis');
    this.client = new Redis(options.config.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: false });
    this.client.on('error', () => undefined); // surfaced by readiness and by the commands that fail
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
