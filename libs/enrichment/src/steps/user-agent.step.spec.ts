import { eventIn } from '@app/testing/builders';
import { UserAgentParser } from '../user-agent/user-agent.parser';
import type { Enrichment } from './enrichment-step';
import { userAgentStep } from './user-agent.step';

const event = (userAgent?: string) => eventIn({ userAgent });
const empty = (): Enrichment => ({ geo: null, ua: null, merchant: null, flags: [] });

describe('userAgentStep', () => {
  it('describes the browser, OS and device', () => {
    const enrichment = empty();
    userAgentStep(new UserAgentParser()).apply(event('Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0'), enrichment, undefined);
    expect(enrichment.ua).toMatchObject({ browser: 'Firefox', os: 'Linux', deviceType: 'desktop', isBot: false });
    expect(enrichment.flags).toEqual([]);
  });

  it('flags a missing User-Agent, and a failing parser', () => {
    const missing = empty();
    userAgentStep(new UserAgentParser()).apply(event(), missing, undefined);
    expect(missing).toEqual({ ...empty(), flags: ['user_agent_missing'] });
    const failing = empty();
    userAgentStep({
      parse: () => {
        throw new Error('parser bug');
      },
    }).apply(event('curl/8.0'), failing, undefined);
    expect(failing).toEqual({ ...empty(), flags: ['user_agent_unavailable'] });
  });
});
