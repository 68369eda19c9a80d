import { Module, RequestMethod, type DynamicModule, type Provider } from '@nestjs/common';
import type { RouteInfo } from '@nestjs/common/interfaces';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { collectDefaultMetrics, register } from 'prom-client';
import { AuditTrail } from './audit/audit-trail';
import { BusLifecycle, MESSAGE_BUS } from './bus.provider';
import { HealthController } from './health/health.controller';
import { consumersCheck } from './health/consumers.check';
import { withDeadline } from './deadline';
import { READINESS_CHECKS, type ReadinessCheck } from './health/readiness-check';
import { ShutdownState } from './health/shutdown-state';
import { API_KEYS, ApiKeyGuard, type KeyedRequest } from './http/api-key.guard';
import { createLogger } from './logging/create-logger';
import { MetricsController } from './metrics/metrics.controller';
import { topicNames } from '@app/contracts';
import { APP_CONFIG, PLATFORM_OPTIONS, ROOT_LOGGER, TOPICS, type PlatformOptions } from './platform.options';
import { REDIS, RedisLifecycle } from './redis.provider';

/** Probes and scrapes, every few seconds from Kubernetes and Prometheus: never access-logged. */
const QUIET_ROUTES: RouteInfo[] = [
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
];
/** Levels at which PlatformOptions.highVolumeRoutes are access-logged too. */
const VERBOSE_LEVELS = ['debug', 'trace'];

/**
 * How often the event loop's delay is sampled for `nodejs_eventloop_lag_*` (prom-client's default is
 * 10 ms). Each sample is a timer that wakes the process, idle or not: at 10 ms that was most of an idle
 * service's wake-ups, and on these machines a wake-up costs ~100 µs (docs/observability.md).
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * What every service shares: validated config, JSON logs, the bus, health, metrics, API-key auth.
 * An app module imports PlatformModule.forRoot(...) once and gets APP_CONFIG and ApiKeyGuard, and
 * MESSAGE_BUS, AuditTrail and REDIS when its dependencies name them.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const logger = createLogger(options.service, options.config.LOG_LEVEL);
    register.setDefaultLabels({ service: options.service });
    if (!register.getSingleMetric('process_cpu_seconds_total')) collectDefaultMetrics({ eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });

    const usesBus = options.dependencies.includes('bus');
    const usesRedis = options.dependencies.includes('redis');
    const providers: Provider[] = [
      { provide: PLATFORM_OPTIONS, useValue: options },
      { provide: APP_CONFIG, useValue: options.config },
      { provide: ROOT_LOGGER, useValue: logger },
      { provide: TOPICS, useValue: topicNames(options.config.BUS_TOPIC_PREFIX ?? '') },
      { provide: API_KEYS, useValue: options.config.API_KEYS ?? [] },
      ApiKeyGuard,
      ShutdownState,
      // The audit trail is published on the bus.
      ...(usesBus ? [BusLifecycle, { provide: MESSAGE_BUS, useFactory: (lifecycle: BusLifecycle) => lifecycle.bus, inject: [BusLifecycle] }, AuditTrail] : []),
      ...(usesRedis ? [RedisLifecycle, { provide: REDIS, useFactory: (l: RedisLifecycle) => l.client, inject: [RedisLifecycle] }] : []),
      {
        provide: READINESS_CHECKS,
        inject: [
          { token: BusLifecycle, optional: true },
          { token: RedisLifecycle, optional: true },
        ],
        useFactory: (bus?: BusLifecycle, redis?: RedisLifecycle): ReadinessCheck[] => [
          ...(bus ? [{ name: 'bus', check: () => withDeadline(bus.bus.ping(), 2_000, 'bus') }, consumersCheck(options.config.BUS_STALL_AFTER_S ?? 120)] : []),
          ...(redis ? [{ name: 'redis', check: async () => void (await withDeadline(redis.client.ping(), 1_000, 'redis')) }] : []),
        ],
      },
    ];

    return {
      module: PlatformModule,
      global: true,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        LoggerModule.forRoot({
          // pino-http builds two or three child loggers per request (and its async context hooks
          // every promise) whether the line is written or not: a real share of ingest's CPU per
          // decision (docs/observability.md, "Logs"). Kept off the quiet routes too, a process serving
          // only those and the high-volume ones never turns those hooks on.
          exclude: [...QUIET_ROUTES, ...(VERBOSE_LEVELS.includes(options.config.LOG_LEVEL) ? [] : (options.highVolumeRoutes ?? []))],
          pinoHttp: {
            logger,
            // Called again as the request completes: by then the guard has named the key (never its secret).
            customProps: (req) => ({ component: 'http', ...((req as KeyedRequest).apiKeyName ? { key: (req as KeyedRequest).apiKeyName } : {}) }),
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers,
      exports: [
        PLATFORM_OPTIONS,
        APP_CONFIG,
        ROOT_LOGGER,
        TOPICS,
        API_KEYS,
        ApiKeyGuard,
        ...(usesBus ? [MESSAGE_BUS, AuditTrail] : []),
        READINESS_CHECKS,
        ...(usesRedis ? [REDIS] : []),
      ],
    };
  }
}
