import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { classifyIp } from '@app/net';

/** Widest ranges an allow-list may name (10/8, fc00::/7): anything wider spans public space whatever its ends. */
const NARROWEST_PREFIX = { 4: 8, 6: 7 } as const;

/**
 * WEBHOOK_ALLOWED_TARGETS entries that let webhooks reach public addresses (an address or a range with a
 * public address in it), which production refuses: the list exists to let tests and demos call private
 * hosts, never to open the rest. Host names are the operator's explicit choice and pass.
 */
export function publicAllowedTargets(entries: string[]): string[] {
  return entries.flatMap((entry) => {
    const [address, prefixText] = entry.split('/');
    const family = isIP(address) as 0 | 4 | 6;
    if (family === 0) return [];
    const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
    const cidr = `${address}/${prefix}`;
    const kind = family === 4 ? ipaddr.IPv4 : ipaddr.IPv6;
    const [first, last] = [kind.networkAddressFromCIDR(cidr), kind.broadcastAddressFromCIDR(cidr)].map((a) => a.toString());
    const covers = prefix < NARROWEST_PREFIX[family] || classifyIp(first) === 'public' || classifyIp(last) === 'public';
    return covers ? [`WEBHOOK_ALLOWED_TARGETS: ${entry} covers public addresses; production allows only private ones there`] : [];
  });
}
