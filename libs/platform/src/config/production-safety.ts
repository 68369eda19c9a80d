import { parseBusUrl } from '@app/bus';
import { productionKeyProblems, type ApiKey } from '../http/api-keys';

/**
 * Settings production refuses, one line each: what is convenient on a laptop is a hole on the internet.
 * `serviceProblems` are a service's own (alerts: an allow-list that lets webhooks reach public ranges).
 */
export function productionProblems(
  config: { NODE_ENV: string; API_KEYS?: ApiKey[]; BUS_URL?: string; KAFKA_SASL_MECHANISM?: string },
  serviceProblems: string[] = [],
): string[] {
  if (config.NODE_ENV !== 'production') return [];
  return [
    ...productionKeyProblems(config.API_KEYS ?? []).map((problem) => `API_KEYS: ${problem}`),
    ...(config.KAFKA_SASL_MECHANISM === 'plain' && config.BUS_URL && !parseBusUrl(config.BUS_URL).tls
      ? ['KAFKA_SASL_MECHANISM: plain sends the password in clear without TLS; use BUS_URL=kafka+ssl://...']
      : []),
    ...serviceProblems,
  ];
}
