export * from './geo/geo-location';
export * from './geo/geo-lookup';
export * from './geo/ip-address';
export * from './geo/mmdb-record.mapper';
export * from './user-agent/user-agent.parser';
export * from './enrich-event';
