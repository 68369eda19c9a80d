export * from './database.module';
export * from './run-migrations';
export * from './rows-of';
export * from './database-consumer';
