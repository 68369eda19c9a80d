import { Client } from 'pg';
import { withDeadline, type ReadinessCheck } from './readiness-check';

/** Opens a connection and runs SELECT 1: proves the server answers and the credentials work. */
export function postgresCheck(databaseUrl: string): ReadinessCheck {
  return {
    name: 'postgres',
    async check() {
      const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
      try {
        await withDeadline(client.connect().then(() => client.query('SELECT 1')), 2_000, 'postgres');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}
