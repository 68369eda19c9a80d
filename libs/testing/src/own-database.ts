import { Client } from 'pg';
import { testEnv, uniqueName } from './test-env';

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: testEnv.postgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A Postgres database of the test's own (its tables, positions and listings see only what it wrote). */
export async function createOwnDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = uniqueName(prefix).replace(/-/g, '_');
  await onServer(`CREATE DATABASE ${name}`);
  return { url: testEnv.postgresUrl.replace(/\/[^/]*$/, `/${name}`), drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
