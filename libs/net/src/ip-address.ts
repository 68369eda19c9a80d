import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export type IpClass = 'public' | 'private' | 'invalid';

/** IPv4-compatible IPv6 (deprecated, RFC 4291): ipaddr.js calls it unicast, yet `::7f00:1` is 127.0.0.1. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * Public: globally routable unicast, what a geo database can place and a webhook may call. Everything
 * ipaddr.js classifies otherwise is not: private, loopback, link-local, CGNAT, multicast, documentation,
 * benchmarking, reserved, and the IPv6 ranges that embed or translate IPv4 (NAT64 64:ff9b::/96, 6to4
 * 2002::/16, Teredo 2001::/32, IPv4-compatible ::/96), which could reach a private IPv4 address.
 * An IPv4-mapped address (::ffff:a.b.c.d) is its IPv4 address.
 */
export function classifyIp(ip: string): IpClass {
  if (isIP(ip) === 0) return 'invalid';
  const address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() === 'unicast' ? 'public' : 'private';
    if (v6.match(IPV4_COMPATIBLE)) return 'private';
  }
  return address.range() === 'unicast' ? 'public' : 'private';
}

/**
 * One spelling per address, so lists and lookups agree: IPv6 as RFC 5952 writes it (lowercase, zeros
 * compressed: `2001:DB8:0:0::1` is `2001:db8::1`), an IPv4-mapped address as its IPv4 address. Text that
 * is not an address comes back as it is.
 */
export function canonicalIp(ip: string): string {
  const family = isIP(ip);
  // Node's isIP takes only dotted decimal without leading zeros: an IPv4 address it accepts is written one way already.
  if (family === 4 || family === 0) return ip;
  const address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) return (address as ipaddr.IPv6).toIPv4Address().toString();
  return address.toString();
}
