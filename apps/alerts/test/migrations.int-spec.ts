import { DataSource } from 'typeorm';
import { runMigrationsExclusively } from '@app/database';
import { createOwnDatabase } from '@app/testing';
import { AlertsModule } from '../src/alerts.module';

describe('alerts: migrations', () => {
  it('are applied once when two instances boot together, the concurrent index build included', async () => {
    const database = await createOwnDatabase('alerts_migrations');
    const sources = [0, 1].map(
      () => new DataSource({ type: 'postgres', url: database.url, migrations: AlertsModule.migrations, migrationsTableName: 'alerts_migrations' }),
    );
    try {
      await Promise.all(sources.map((s) => s.initialize()));
      const applied = await Promise.all(sources.map((s) => runMigrationsExclusively(s)));
      expect(applied.flat().sort()).toEqual(AlertsModule.migrations.map((m) => m.name).sort());
      const indexes = (await sources[0].query(`SELECT indexname FROM pg_indexes WHERE tablename = 'webhook_deliveries'`)) as Array<{ indexname: string }>;
      expect(indexes.map((i) => i.indexname)).toContain('webhook_deliveries_endpoint_due');
      expect(indexes.map((i) => i.indexname)).not.toContain('webhook_deliveries_due');
    } finally {
      await Promise.all(sources.map((s) => (s.isInitialized ? s.destroy() : undefined)));
      await database.drop();
    }
  }, 20_000);
});
