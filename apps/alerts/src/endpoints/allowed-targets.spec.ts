import { publicAllowedTargets } from './allowed-targets';

describe('publicAllowedTargets (refused in production)', () => {
  it.each(['localhost', 'receiver.internal', '127.0.0.1', '127.0.0.0/8', '10.0.0.0/8', '192.168.1.0/24', '::1', 'fc00::/7', 'fd12:3456::/32'])(
    'lets %s through: private, or a name',
    (entry) => {
      expect(publicAllowedTargets([entry])).toEqual([]);
    },
  );

  it.each(['8.8.8.8', '0.0.0.0/0', '10.0.0.0/7', '0.0.0.0/1', '2001:4860::/32', '::/0', '127.0.0.0/4'])('refuses %s: it covers public addresses', (entry) => {
    expect(publicAllowedTargets([entry])).toEqual([`WEBHOOK_ALLOWED_TARGETS: ${entry} covers public addresses; production allows only private ones there`]);
  });
});
