import { SignInAttempts } from './sign-in-attempts';

describe('SignInAttempts', () => {
  let now = 0;
  const attempts = () => new SignInAttempts(3, 60_000, () => now);

  beforeEach(() => (now = 1_000_000));

  it('refuses an address after its limit of failures until the oldest leaves the window', () => {
    const limiter = attempts();
    for (let i = 0; i < 3; i++) {
      expect(limiter.waitFor('10.0.0.1')).toBe(0);
      limiter.failed('10.0.0.1');
      now += 1_000;
    }
    expect(limiter.waitFor('10.0.0.1')).toBe(57_000);
    expect(limiter.waitFor('10.0.0.2')).toBe(0);
    now += 57_000;
    expect(limiter.waitFor('10.0.0.1')).toBe(0);
  });

  it('forgets the failures of an address that signs in', () => {
    const limiter = attempts();
    limiter.failed('10.0.0.1');
    limiter.failed('10.0.0.1');
    limiter.succeeded('10.0.0.1');
    limiter.failed('10.0.0.1');
    limiter.failed('10.0.0.1');
    expect(limiter.waitFor('10.0.0.1')).toBe(0);
  });
});
