import type { EventIn } from '@app/contracts';
import { emailDomainOf } from '../reference-data/email-domain';
import type { ReferenceFacts, ReferenceLookup } from '../reference-data/reference-data.reader';
import type { Enrichment, EnrichmentStep } from './enrichment-step';

/**
 * The merchant's category and risk tier, and the deny-lists (IP, device, e-mail domain), for a batch
 * in one round trip, or none when the cache holds every answer. Without a reader (offline: training,
 * the simulator) or when Redis fails, the event goes on flagged `reference_unavailable`.
 */
export function referenceDataStep(reader: ReferenceLookup | null): EnrichmentStep<ReferenceFacts> {
  return {
    name: 'reference-data',
    lookup: reader
      ? (events: readonly EventIn[]) =>
          reader.lookup(events.map((e) => ({ merchantId: e.merchantId, ip: e.ip, deviceId: e.deviceId, emailDomain: emailDomainOf(e) })))
      : undefined,
    apply(event: EventIn, enrichment: Enrichment, facts: ReferenceFacts | undefined): void {
      if (!facts) return void enrichment.flags.push('reference_unavailable');
      enrichment.merchant = facts.merchant;
      if (event.merchantId && !facts.merchant) enrichment.flags.push('merchant_unknown');
      if (facts.ipDenied) enrichment.flags.push('ip_denylisted');
      if (facts.deviceDenied) enrichment.flags.push('device_denylisted');
      if (facts.emailDomainDenied) enrichment.flags.push('email_domain_denylisted');
    },
  };
}
