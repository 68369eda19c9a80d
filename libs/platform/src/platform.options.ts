import type { RouteInfo } from '@nestjs/common/interfaces';
import type { HttpServiceEnv, ServiceEnv } from './config/service-env';

/** Postgres is checked by @app/database, through its own pool. */
export type Dependency = 'bus' | 'redis';

export interface PlatformOptions {
  service: string;
  /** A service with the bus among its dependencies has every ServiceEnv setting. */
  config: HttpServiceEnv & Partial<ServiceEnv> & { REDIS_URL?: string };
  /** What the service connects to, and /health/ready checks. */
  dependencies: Dependency[];
  /**
   * Routes called per event or per payment: no access-log line of their own unless LOG_LEVEL is debug
   * or trace (platform.module.ts says why). Their volume, status and duration are in http metrics.
   */
  highVolumeRoutes?: RouteInfo[];
}

export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');
export const APP_CONFIG = Symbol('APP_CONFIG');
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
/** The deployment's topic names (TopicMap from @app/contracts). */
export const TOPICS = Symbol('TOPICS');
