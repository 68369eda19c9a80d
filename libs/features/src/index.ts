export * from './windows';
export * from './feature-event';
export * from './user-state';
export * from './merchant-state';
export * from './feature-catalogue';
export * from './feature-engine';
export * from './geo-distance';
export * from './user-state.codec';
