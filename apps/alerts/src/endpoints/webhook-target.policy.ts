import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { classifyIp } from '@app/net';

export type Resolve = (host: string) => Promise<string[]>;

export type WebhookTarget = { addresses: string[] } | { problem: string };

const RESOLVED_TTL_MS = 30_000;

const resolveAll: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Which webhook URLs the service may call. A URL whose host resolves to a private, loopback,
 * link-local or otherwise non-public address is refused (a webhook must not become a way into our
 * network), unless the allow-list names its host or covers the address (tests and local demos).
 * Every address the name resolves to must pass: one private answer is enough to refuse.
 */
export class WebhookTargetPolicy {
  private readonly hosts = new Set<string>();
  private readonly networks = new BlockList();
  private readonly resolved = new Map<string, { addresses: string[]; until: number }>();

  /** `allowed`: host names, IP addresses and CIDR ranges (e.g. `localhost,127.0.0.0/8,::1`). */
  constructor(
    allowed: string[],
    private readonly resolve: Resolve = resolveAll,
  ) {
    for (const entry of allowed) {
      const [address, prefix] = entry.split('/');
      const family = isIP(address);
      if (family === 0) this.hosts.add(entry.toLowerCase());
      else if (prefix === undefined) this.networks.addAddress(address, family === 4 ? 'ipv4' : 'ipv6');
      else this.networks.addSubnet(address, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  /** A name's addresses, remembered briefly: each delivery checks its target, and a lookup per delivery goes through libuv's small thread pool. */
  private async addressesOf(host: string): Promise<string[]> {
    const known = this.resolved.get(host);
    if (known && known.until > Date.now()) return known.addresses;
    const addresses = await this.resolve(host);
    if (this.resolved.size >= 10_000) this.resolved.clear();
    this.resolved.set(host, { addresses, until: Date.now() + RESOLVED_TTL_MS });
    return addresses;
  }

  /** Why this URL may not be called, or undefined when it may. */
  async problem(url: string): Promise<string | undefined> {
    const target = await this.target(url);
    return 'problem' in target ? target.problem : undefined;
  }

  /**
   * The addresses this URL may be called at (its host's, every one of them allowed), or why it may not
   * be called. Senders connect to exactly these: resolving the name again to connect would let it point
   * somewhere else in between (DNS rebinding).
   */
  async target(url: string): Promise<WebhookTarget> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { problem: 'is not a URL' };
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { problem: 'must be an http(s) URL' };
    if (parsed.username || parsed.password) return { problem: 'must not carry credentials' };
    const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await this.addressesOf(host);
    } catch {
      return { problem: `host ${host} does not resolve` };
    }
    if (this.hosts.has(host)) return { addresses };
    for (const address of addresses) {
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (this.networks.check(address, family)) continue;
      if (classifyIp(address) !== 'public') return { problem: `resolves to ${address}, a private or reserved address (allow it with WEBHOOK_ALLOWED_TARGETS)` };
    }
    return { addresses };
  }
}
