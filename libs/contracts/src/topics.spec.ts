import { subscription } from './topics';

describe('subscription', () => {
  it('names the group and its topics behind the deployment prefix', () => {
    expect(subscription('profiles', 'blue.')).toEqual({ group: 'blue.profile-api', topics: ['blue.scores'] });
    expect(subscription('lake', '')).toEqual({ group: 'ingest.lake', topics: ['events.enriched'] });
  });
});
