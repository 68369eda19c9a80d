import type { BusEngine } from './bus.port';

export interface BusAddress {
  engine: BusEngine;
  /** Kafka: host:port list. Redis: the URL itself. */
  brokers: string[];
  url: string;
}

/** `kafka://host:9092[,host:9092]` or `redis://host:6379[/db]`. */
export function parseBusUrl(url: string): BusAddress {
  const match = /^(kafka|redis|rediss):\/\/(.+)$/.exec(url.trim());
  if (!match) throw new Error(`BUS_URL must look like kafka://host:port[,host:port] or redis://host:port, got "${url}"`);
  const [, scheme, rest] = match;
  if (scheme === 'kafka') {
    const brokers = rest.replace(/\/+$/, '').split(',').map((b) => b.trim());
    if (brokers.some((b) => !/^[^:/\s]+:\d+$/.test(b))) throw new Error(`BUS_URL has a broker that is not host:port: "${url}"`);
    return { engine: 'kafka', brokers, url };
  }
  return { engine: 'redis', brokers: [], url };
}
