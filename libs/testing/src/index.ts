export * from './test-env';
export * from './eventually';
export * from './free-port';
export * from './owned-servers';
export * from './boot-app';
export * from './lake-reader';
export * from './own-database';
export * from './webhook-receiver';
