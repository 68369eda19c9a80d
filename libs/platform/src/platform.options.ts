import type { ServiceEnv } from './config/service-env';

export type Dependency = 'redis' | 'postgres';

export interface PlatformOptions {
  service: string;
  config: ServiceEnv & { REDIS_URL?: string; DATABASE_URL?: string };
  /** What /health/ready checks besides the bus, which every service needs. */
  dependencies: Dependency[];
}

export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');
export const APP_CONFIG = Symbol('APP_CONFIG');
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
/** The deployment's topic names (TopicMap from @app/contracts). */
export const TOPICS = Symbol('TOPICS');
