import type { DataSource } from 'typeorm';

// Any fixed number: every instance of every service takes the same lock while it migrates.
const MIGRATION_LOCK = 724_311_001;

const LOCK_POLL_MS = 200;

/**
 * Applies pending migrations under a Postgres advisory lock, so instances booting together do not
 * race to create the same tables; the second finds the work done. Returns the names applied.
 * The lock is polled, not waited for: a session blocked in pg_advisory_lock holds a snapshot, and a
 * migration building an index CONCURRENTLY waits for every older snapshot in the database, so the
 * two instances would wait on each other for ever (Postgres cannot see that cycle: the lock's holder
 * is idle, waiting on the build in another session).
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    while (!((await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK])) as Array<{ locked: boolean }>)[0].locked) {
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
