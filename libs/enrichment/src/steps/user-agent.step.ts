import type { EventIn } from '@app/contracts';
import type { UserAgentParser } from '../user-agent/user-agent.parser';
import type { Enrichment, EnrichmentStep } from './enrichment-step';

/** Browser, OS and device type from the User-Agent; flags a missing one or a failing parser. */
export function userAgentStep(parser: Pick<UserAgentParser, 'parse'>): EnrichmentStep {
  return {
    name: 'user-agent',
    apply(event: EventIn, enrichment: Enrichment): void {
      if (!event.userAgent) return void enrichment.flags.push('user_agent_missing');
      try {
        enrichment.ua = parser.parse(event.userAgent);
      } catch {
        enrichment.flags.push('user_agent_unavailable');
      }
    },
  };
}
