import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TransientError, describeError } from '@app/bus';
import { APP_CONFIG, PLATFORM_OPTIONS, READINESS_CHECKS, ROOT_LOGGER, withDeadline, type PlatformOptions, type ReadinessCheck } from '@app/platform';
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
  private readonly migrator: () => DataSource;
  private readonly logger: Logger;
  private readyPromise?: Promise<DataSource>;
  /** Connected and migrated: the schema the code expects is there. */
  private ready = false;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) config: { DATABASE_URL: string; DATABASE_CONNECT_TIMEOUT_MS: number; DATABASE_STATEMENT_TIMEOUT_MS: number },
    @Inject(DATABASE_OPTIONS) options: DatabaseOptions,
    @Inject(ROOT_LOGGER) logger: Logger,
    @Inject(READINESS_CHECKS) readinessChecks: ReadinessCheck[],
    @Inject(PLATFORM_OPTIONS) platform: PlatformOptions,
  ) {
    this.logger = logger.child({ component: 'database' });
    // Through the service's own pool: a readiness probe anyone may call must not open connections.
    readinessChecks.push({ name: 'postgres', check: async () => void (await withDeadline(this.pooled().query('SELECT 1'), 2_000, 'postgres')) });
    // Reachable is not enough to serve: /health/ready also waits for the migrations.
    readinessChecks.push({ name: 'schema', check: async () => void this.current() });
    const base = {
      type: 'postgres' as const,
      url: config.DATABASE_URL,
      // Services share a database: pg_stat_activity and Postgres's logs name the service of each connection.
      applicationName: platform.service,
      entities: options.entities,
      migrations: options.migrations,
      migrationsTableName: options.migrationsTableName,
      synchronize: false,
      migrationsRun: false,
    };
    // Bounded waits: a database that is unreachable or stuck fails a request (503) or a batch (retried)
    // in seconds instead of holding it. Migrations get connections of their own without the statement
    // timeout: an index build on a large table may rightly take longer.
    this.dataSource = new DataSource({
      ...base,
      extra: {
        max: options.poolSize ?? 10,
        connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
        statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
      },
    });
    this.migrator = () => new DataSource({ ...base, extra: { max: 2, connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS } });
  }

  onModuleInit(): void {
    this.readyPromise = this.connect();
    this.readyPromise.catch(() => undefined); // only stopping rejects it
  }

  /** The DataSource once connected and migrated; rejects only if the service stops first. */
  whenReady(): Promise<DataSource> {
    return this.readyPromise ?? Promise.reject(new DatabaseUnavailableError('database not started'));
  }

  /** The pool once connected, migrated or not. */
  private pooled(): DataSource {
    if (!this.dataSource.isInitialized) throw new DatabaseUnavailableError('the database is not reachable yet');
    return this.dataSource;
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
        const migrator = await this.migrator().initialize();
        const applied = await runMigrationsExclusively(migrator).finally(() => migrator.destroy());
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
