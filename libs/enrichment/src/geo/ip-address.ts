import { BlockList, isIP } from 'node:net';

export type IpClass = 'public' | 'private' | 'invalid';

// Addresses no geo database can place: private, loopback, link-local, CGNAT, multicast, documentation.
const notRoutable = new BlockList();
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 3]] as const) {
  notRoutable.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32]] as const) {
  notRoutable.addSubnet(net, prefix, 'ipv6');
}

export function classifyIp(ip: string): IpClass {
  const version = isIP(ip);
  if (version === 0) return 'invalid';
  if (version === 6 && ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4) return classifyIp(ip.slice(7));
  return notRoutable.check(ip, version === 4 ? 'ipv4' : 'ipv6') ? 'private' : 'public';
}
