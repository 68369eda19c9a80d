export * from './database.module';
export * from './run-migrations';
export * from './consumer-after-database';
export * from './rows-of';
