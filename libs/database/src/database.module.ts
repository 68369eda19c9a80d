import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TransientError, describeError } from '@app/bus';
import { APP_CONFIG, PLATFORM_OPTIONS, READINESS_CHECKS, ROOT_LOGGER, type PlatformOptions, type ReadinessCheck } from '@app/platform';
import type { Logger } from 'pino';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { runMigrationsExclusively } from './run-migrations';

const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');

export interface DatabaseOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Where this service records applied migrations: one table per service, since services share a database. */
  migrationsTableName: string;
  /** Connections in the pool. */
  poolSize?: number;
}

/** Postgres is not reachable (yet): callers retry later; HTTP answers 503. */
export class DatabaseUnavailableError extends TransientError {}

const RETRY_MS = { first: 500, max: 5_000 };

/**
 * The service's Postgres: connects and applies pending migrations (never `synchronize`), in the
 * background so the service starts, answers /health/ready with 503 and serves its health while
 * Postgres is down, and becomes ready when it comes up. Closes the pool at shutdown; consumers that
 * write to Postgres stop in beforeApplicationShutdown, which Nest runs before any onApplicationShutdown.
 */
@Injectable()
export class Database implements OnModuleInit, OnApplicationShutdown {
  private readonly dataSource: DataSource;
  private readonly logger: Logger;
  private readyPromise?: Promise<DataSource>;
  /** Connected and migrated: the schema the code expects is there. */
  private ready = false;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) config: { DATABASE_URL: string },
    @Inject(DATABASE_OPTIONS) options: DatabaseOptions,
    @Inject(ROOT_LOGGER) logger: Logger,
    @Inject(READINESS_CHECKS) readinessChecks: ReadinessCheck[],
    @Inject(PLATFORM_OPTIONS) platform: PlatformOptions,
  ) {
    this.logger = logger.child({ component: 'database' });
    // Reachable is not enough to serve: /health/ready also waits for the migrations.
    readinessChecks.push({ name: 'schema', check: async () => void this.current() });
    this.dataSource = new DataSource({
      type: 'postgres',
      url: config.DATABASE_URL,
      // Services share a database: pg_stat_activity and Postgres's logs name the service of each connection.
      applicationName: platform.service,
      entities: options.entities,
      migrations: options.migrations,
      migrationsTableName: options.migrationsTableName,
      synchronize: false,
      migrationsRun: false,
      extra: { max: options.poolSize ?? 10 },
    });
  }

  onModuleInit(): void {
    this.readyPromise = this.connect();
    this.readyPromise.catch(() => undefined); // only stopping rejects it
  }

  /** The DataSource once connected and migrated; rejects only if the service stops first. */
  whenReady(): Promise<DataSource> {
    return this.readyPromise ?? Promise.reject(new DatabaseUnavailableError('database not started'));
  }

  /** The DataSource now, or a DatabaseUnavailableError (a request should not wait for an outage). */
  current(): DataSource {
    if (!this.ready || !this.dataSource.isInitialized) throw new DatabaseUnavailableError('the database is not reachable or not migrated yet');
    return this.dataSource;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.ready = false;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private async connect(): Promise<DataSource> {
    for (let wait = RETRY_MS.first; ; wait = Math.min(wait * 2, RETRY_MS.max)) {
      try {
        if (!this.dataSource.isInitialized) await this.dataSource.initialize();
        const applied = await runMigrationsExclusively(this.dataSource);
        if (applied.length > 0) this.logger.info({ migrations: applied }, 'database migrations applied');
        this.ready = true;
        return this.dataSource;
      } catch (error) {
        if (this.stopping) throw new DatabaseUnavailableError('stopped before the database was reachable');
        this.logger.warn({ retryInMs: wait, reason: describeError(error) }, 'database not reachable; retrying');
        await new Promise((resolve) => setTimeout(resolve, wait));
        if (this.stopping) throw new DatabaseUnavailableError('stopped before the database was reachable');
      }
    }
  }
}

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [{ provide: DATABASE_OPTIONS, useValue: options }, Database],
      exports: [Database],
    };
  }
}
