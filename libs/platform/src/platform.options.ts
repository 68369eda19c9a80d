import type { ServiceEnv } from './config/service-env';

/** Postgres is checked by @app/database, through its own pool. */
export type Dependency = 'redis';

export interface PlatformOptions {
  service: string;
  config: ServiceEnv & { REDIS_URL?: string };
  /** What /health/ready checks besides the bus, which every service needs. */
  dependencies: Dependency[];
}

export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');
export const APP_CONFIG = Symbol('APP_CONFIG');
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
/** The deployment's topic names (TopicMap from @app/contracts). */
export const TOPICS = Symbol('TOPICS');
