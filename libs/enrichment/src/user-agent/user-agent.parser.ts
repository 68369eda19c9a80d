import { lru, type LRU } from 'tiny-lru';
import UAParser from 'ua-parser-js';

export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'smarttv' | 'console' | 'wearable' | 'embedded' | 'bot' | 'unknown';

export interface UserAgentInfo {
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  osVersion: string | null;
  deviceType: DeviceType;
  isBot: boolean;
}

// Crawlers, monitors and scripted clients announce themselves; ua-parser-js 1.x does not flag them.
const BOT =
  /bot\b|bot\/|crawl|spider|slurp|facebookexternalhit|bingpreview|headless|phantomjs|curl\/|wget\/|python-requests|python-urllib|go-http-client|okhttp|java\/|libwww|httpclient|axios\/|node-fetch|postman/i;
const DESKTOP_OS = new Set([
  'Windows',
  'Mac OS',
  'macOS',
  'Linux',
  'Ubuntu',
  'Debian',
  'Fedora',
  'Chromium OS',
  'FreeBSD',
  'OpenBSD',
  'NetBSD',
  'Solaris',
  'Mint',
  'Arch',
  'SUSE',
  'Gentoo',
  'Unix',
]);
const KNOWN_DEVICE_TYPES = new Set<DeviceType>(['mobile', 'tablet', 'smarttv', 'console', 'wearable', 'embedded']);

const orNull = (value: string | undefined) => (value && value.length > 0 ? value : null);

/** User-Agent header to browser, OS and device type (ua-parser-js 1.x, MIT), cached per distinct header. */
export class UserAgentParser {
  private readonly cache: LRU<UserAgentInfo>;
  private readonly parser = new UAParser();

  constructor(cacheSize = 10_000) {
    this.cache = lru<UserAgentInfo>(cacheSize);
  }

  parse(userAgent: string): UserAgentInfo {
    const cached = this.cache.get(userAgent);
    if (cached) return cached;
    const info = this.describe(userAgent);
    this.cache.set(userAgent, info);
    return info;
  }

  private describe(userAgent: string): UserAgentInfo {
    const result = this.parser.setUA(userAgent).getResult();
    const isBot = BOT.test(userAgent);
    const os = orNull(result.os.name);
    const parsedType = result.device.type as DeviceType | undefined;
    const deviceType: DeviceType = isBot
      ? 'bot'
      : parsedType && KNOWN_DEVICE_TYPES.has(parsedType)
        ? parsedType
        : os && DESKTOP_OS.has(os)
          ? 'desktop'
          : 'unknown';
    return {
      browser: orNull(result.browser.name),
      browserVersion: orNull(result.browser.version),
      os,
      osVersion: orNull(result.os.version),
      deviceType,
      isBot,
    };
  }
}
