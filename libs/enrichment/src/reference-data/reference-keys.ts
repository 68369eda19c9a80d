/** Reference data the loader keeps in Redis: one hash of merchants, one set per deny-list. */
export const REFERENCE_KEYS = {
  merchants: 'ref:merchants',
  denyIps: 'ref:deny:ip',
  denyDevices: 'ref:deny:device',
  denyEmailDomains: 'ref:deny:email_domain',
} as const;
