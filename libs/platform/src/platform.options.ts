import type { HttpServiceEnv, ServiceEnv } from './config/service-env';

/** Postgres is checked by @app/database, through its own pool. */
export type Dependency = 'bus' | 'redis';

export interface PlatformOptions {
  service: string;
  /** A service with the bus among its dependencies has every ServiceEnv setting. */
  config: HttpServiceEnv & Partial<ServiceEnv> & { REDIS_URL?: string };
  /** What the service connects to, and /health/ready checks. */
  dependencies: Dependency[];
}

export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');
export const APP_CONFIG = Symbol('APP_CONFIG');
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
/** The deployment's topic names (TopicMap from @app/contracts). */
export const TOPICS = Symbol('TOPICS');
