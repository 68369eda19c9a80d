import type { BusEngine } from './bus.port';

export interface BusAddress {
  engine: BusEngine;
  /** Kafka: host:port list. Redis: the URL itself. */
  brokers: string[];
  /** Kafka over TLS (`kafka+ssl://`). */
  tls: boolean;
  url: string;
}

/** `kafka://host:9092[,host:9092]`, `kafka+ssl://host:9093[,...]` (TLS) or `redis://host:6379[/db]`. */
export function parseBusUrl(url: string): BusAddress {
  const match = /^(kafka|kafka\+ssl|redis|rediss):\/\/(.+)$/.exec(url.trim());
  if (!match) throw new Error(`BUS_URL must look like kafka://host:port[,host:port], kafka+ssl://host:port or redis://host:port, got "${url}"`);
  const [, scheme, rest] = match;
  if (scheme.startsWith('kafka')) {
    const brokers = rest
      .replace(/\/+$/, '')
      .split(',')
      .map((b) => b.trim());
    if (brokers.some((b) => !/^[^:/\s]+:\d+$/.test(b))) throw new Error(`BUS_URL has a broker that is not host:port: "${url}"`);
    return { engine: 'kafka', brokers, tls: scheme === 'kafka+ssl', url };
  }
  return { engine: 'redis', brokers: [], tls: false, url };
}
