/**
 * Whether two Redis URLs name the same server and database (host, port, database number), so that keys
 * written through one are the keys the other reads. Unparsable or differently spelt hosts (`localhost`
 * and `127.0.0.1`) count as different: the caller then takes the path that does not need them to be one.
 */
export function sameRedis(a: string, b: string): boolean {
  const one = redisAddress(a);
  const other = redisAddress(b);
  return one !== null && other !== null && one === other;
}

function redisAddress(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return null;
  const database = Number(parsed.pathname.replace(/^\//, '') || '0');
  return `${parsed.protocol}//${parsed.hostname.toLowerCase()}:${parsed.port || '6379'}/${database}`;
}
