export * from './topics';
export * from './event-types';
export * from './event-in.schema';
export * from './validate-event';
export * from './enriched-event';
export * from './score';
export * from './alert';
export * from './audit';
