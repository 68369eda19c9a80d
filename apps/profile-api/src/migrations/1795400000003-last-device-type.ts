import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The device type of a profile's latest event with a User-Agent, and that event's time. */
export class LastDeviceType1795400000003 implements MigrationInterface {
  name = 'LastDeviceType1795400000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE profiles ADD COLUMN last_device_type text, ADD COLUMN last_device_type_at timestamptz');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE profiles DROP COLUMN last_device_type, DROP COLUMN last_device_type_at');
  }
}
