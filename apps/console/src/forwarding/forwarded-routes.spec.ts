import { forwardingOf } from './forwarded-routes';

describe('forwardingOf', () => {
  it('maps a console path to its service and path, segments kept as they arrived', () => {
    expect(forwardingOf('GET', '/alerts')).toEqual({ service: 'alerts', path: '/v1/alerts' });
    expect(forwardingOf('GET', '/profiles/user%2F42')).toEqual({ service: 'profile-api', path: '/v1/profiles/user%2F42' });
    expect(forwardingOf('POST', '/webhooks/w1/deliveries/d7/replay')).toEqual({ service: 'alerts', path: '/v1/webhooks/w1/deliveries/d7/replay' });
    expect(forwardingOf('PUT', '/rules/velocity-10m')).toEqual({ service: 'scoring', path: '/v1/rules/velocity-10m' });
  });

  it('forwards nothing it does not list: another method, another path, a dot segment', () => {
    expect(forwardingOf('DELETE', '/webhooks/w1')).toBeNull();
    expect(forwardingOf('POST', '/events')).toBeNull();
    expect(forwardingOf('GET', '/profiles/..')).toBeNull();
    expect(forwardingOf('GET', '/profiles/.')).toBeNull();
    expect(forwardingOf('GET', '/profiles/a/b')).toBeNull();
    expect(forwardingOf('GET', '/profiles/')).toBeNull();
    expect(forwardingOf('GET', '/alerts/')).toBeNull();
  });
});
