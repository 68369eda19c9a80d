import type { DataSource } from 'typeorm';

// Any fixed number: every instance of every service takes the same lock while it migrates.
const MIGRATION_LOCK = 724_311_001;

/**
 * Applies pending migrations under a Postgres advisory lock, so instances booting together do not
 * race to create the same tables; the second finds the work done. Returns the names applied.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
