import type Redis from 'ioredis';
import { canonicalIp } from '@app/net';
import { REFERENCE_KEYS } from './reference-keys';

/** What reference data says of one event. */
export interface ReferenceFacts {
  merchant: MerchantFacts | null;
  ipDenied: boolean;
  deviceDenied: boolean;
  emailDomainDenied: boolean;
}

export interface MerchantFacts {
  category: string | null;
  riskTier: string | null;
}

export interface ReferenceQuery {
  merchantId?: string;
  ip?: string;
  deviceId?: string;
  emailDomain?: string;
}

/** Reference data's datasets, each one Redis key (REFERENCE_KEYS). */
export type ReferenceDataset = keyof typeof REFERENCE_KEYS;

/** What one dataset answers of a member: a merchant's facts (null: unknown), or a deny-list's membership. */
export type DatasetAnswer<D extends ReferenceDataset> = D extends 'merchants' ? MerchantFacts | null : boolean;

/** Members to ask of each dataset (in their canonical spelling); a dataset not named is not asked. */
export type DatasetMembers = { [D in ReferenceDataset]?: readonly string[] };

/** Per dataset asked, the answer for each member, in the order asked. */
export type DatasetAnswers = { [D in ReferenceDataset]?: Array<DatasetAnswer<D>> };

/** How an event's query names its member of each dataset ('' or undefined: none, nothing to ask). */
export const MEMBER_OF: { readonly [D in ReferenceDataset]: (query: ReferenceQuery) => string | undefined } = {
  merchants: (q) => q.merchantId,
  denyIps: (q) => (q.ip ? canonicalIp(q.ip) : undefined),
  denyDevices: (q) => q.deviceId,
  denyEmailDomains: (q) => q.emailDomain,
};

export const REFERENCE_DATASETS = Object.keys(REFERENCE_KEYS) as ReferenceDataset[];

/** What an event with no member in a dataset gets from it. */
export const NO_MEMBER: { readonly [D in ReferenceDataset]: DatasetAnswer<D> } = {
  merchants: null,
  denyIps: false,
  denyDevices: false,
  denyEmailDomains: false,
};

/** The facts of one event, from its datasets' answers. */
export function referenceFacts(answer: <D extends ReferenceDataset>(dataset: D) => DatasetAnswer<D>): ReferenceFacts {
  return {
    merchant: answer('merchants'),
    ipDenied: answer('denyIps'),
    deviceDenied: answer('denyDevices'),
    emailDomainDenied: answer('denyEmailDomains'),
  };
}

/** Looks up reference data for a batch of events (ReferenceDataReader, or ReferenceDataCache in front of it). */
export interface ReferenceLookup {
  lookup(queries: readonly ReferenceQuery[]): Promise<ReferenceFacts[]>;
}

/**
 * Looks up a whole batch in one round trip of at most four commands (HMGET, three SMISMEMBER): per-event
 * commands cost Redis more than the lookups themselves and capped ingest at ~11k events/s.
 */
export class ReferenceDataReader implements ReferenceLookup {
  constructor(private readonly redis: Redis) {}

  async lookup(queries: readonly ReferenceQuery[]): Promise<ReferenceFacts[]> {
    if (queries.length === 0) return [];
    const members: DatasetMembers = {};
    const positions: { [D in ReferenceDataset]?: number[] } = {};
    for (const dataset of REFERENCE_DATASETS) {
      const asked: string[] = [];
      const at = queries.map((query) => {
        const member = MEMBER_OF[dataset](query);
        return member ? asked.push(member) - 1 : -1;
      });
      if (asked.length > 0) [members[dataset], positions[dataset]] = [asked, at];
    }
    const answers = await this.fetch(members);
    return queries.map((_, i) =>
      referenceFacts((dataset) => {
        const at = positions[dataset]?.[i] ?? -1;
        return at < 0 ? NO_MEMBER[dataset] : (answers[dataset]![at] as DatasetAnswer<typeof dataset>);
      }),
    );
  }

  /** The named datasets' answers for their members, in one round trip (none when nothing is asked). */
  async fetch(members: DatasetMembers): Promise<DatasetAnswers> {
    const asked = REFERENCE_DATASETS.filter((dataset) => (members[dataset]?.length ?? 0) > 0);
    if (asked.length === 0) return {};
    const pipeline = this.redis.pipeline();
    for (const dataset of asked) {
      if (dataset === 'merchants') pipeline.hmget(REFERENCE_KEYS.merchants, ...members.merchants!);
      else pipeline.smismember(REFERENCE_KEYS[dataset], ...members[dataset]!);
    }
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0];
    const answers: DatasetAnswers = {};
    asked.forEach((dataset, i) => {
      const values = replies[i][1] as Array<string | number | null>;
      if (dataset === 'merchants') answers.merchants = values.map((value) => (typeof value === 'string' ? parseMerchant(value) : null));
      else answers[dataset] = values.map((value) => value === 1);
    });
    return answers;
  }
}

function parseMerchant(json: string): MerchantFacts {
  const value = JSON.parse(json) as { category?: string; riskTier?: string };
  return { category: value.category ?? null, riskTier: value.riskTier ?? null };
}
