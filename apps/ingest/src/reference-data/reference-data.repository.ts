import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@app/platform';
import type Redis from 'ioredis';

/** Reference data the loader keeps in Redis: one hash of merchants, one set per deny-list. */
export const REFERENCE_KEYS = {
  merchants: 'ref:merchants',
  denyIps: 'ref:deny:ip',
  denyDevices: 'ref:deny:device',
  denyEmailDomains: 'ref:deny:email_domain',
} as const;

export interface ReferenceQuery {
  merchantId?: string;
  ip?: string;
  deviceId?: string;
  emailDomain?: string;
}

export interface ReferenceFacts {
  merchant: { category: string | null; riskTier: string | null } | null;
  ipDenied: boolean;
  deviceDenied: boolean;
  emailDomainDenied: boolean;
}

/** Looks up a whole batch in one pipelined round trip: per-event round trips would cap ingest at a few thousand/s. */
@Injectable()
export class ReferenceDataRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async lookup(queries: ReferenceQuery[]): Promise<ReferenceFacts[]> {
    const pipeline = this.redis.pipeline();
    for (const q of queries) {
      pipeline.hget(REFERENCE_KEYS.merchants, q.merchantId ?? '');
      pipeline.sismember(REFERENCE_KEYS.denyIps, q.ip ?? '');
      pipeline.sismember(REFERENCE_KEYS.denyDevices, q.deviceId ?? '');
      pipeline.sismember(REFERENCE_KEYS.denyEmailDomains, q.emailDomain ?? '');
    }
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0];
    return queries.map((q, i) => {
      const [merchant, ip, device, domain] = replies.slice(i * 4, i * 4 + 4).map(([, value]) => value);
      return {
        merchant: q.merchantId && typeof merchant === 'string' ? parseMerchant(merchant) : null,
        ipDenied: ip === 1,
        deviceDenied: device === 1,
        emailDomainDenied: domain === 1,
      };
    });
  }
}

function parseMerchant(json: string): { category: string | null; riskTier: string | null } {
  const value = JSON.parse(json) as { category?: string; riskTier?: string };
  return { category: value.category ?? null, riskTier: value.riskTier ?? null };
}
