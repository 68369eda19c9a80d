import { ConsoleSessions } from './console-sessions';

describe('ConsoleSessions', () => {
  let now = 0;
  const sessions = () => new ConsoleSessions(60_000, 3_600_000, () => now);

  beforeEach(() => (now = 1_000_000));

  it('finds a session by its id, with its own unguessable id and CSRF token', () => {
    const store = sessions();
    const a = store.start('alice');
    const b = store.start('alice');
    expect(store.use(a.id)).toMatchObject({ user: 'alice', csrfToken: a.csrfToken });
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(a.id);
    expect(Buffer.from(a.id, 'base64url')).toHaveLength(32);
  });

  it('ends a session left idle, and keeps one in use alive until its maximum age', () => {
    const store = sessions();
    const idle = store.start('alice');
    const busy = store.start('bob');
    for (let step = 1; step <= 72; step++) {
      now += 50_000; // used every 50 s, up to exactly an hour after sign-in
      expect(store.use(busy.id)).not.toBeNull();
    }
    expect(store.use(idle.id)).toBeNull();
    now += 50_000; // used as often, but past its hour
    expect(store.use(busy.id)).toBeNull();
  });

  it('ends a session on sign-out, and knows no made-up id', () => {
    const store = sessions();
    const session = store.start('alice');
    store.end(session.id);
    expect(store.use(session.id)).toBeNull();
    expect(store.use('made-up')).toBeNull();
    expect(store.use(undefined)).toBeNull();
  });

  it('tells whether a session is live without keeping it alive', () => {
    const store = sessions();
    const session = store.start('alice');
    const other = store.start('bob');
    expect(store.active(session.id)).toBe(true);
    now += 50_000;
    expect(store.active(session.id)).toBe(true);
    now += 20_000; // idle past the minute since its start: asking did not count as use
    expect(store.active(session.id)).toBe(false);
    store.end(other.id);
    expect(store.active(other.id)).toBe(false);
  });

  it('forgets expired sessions as new ones start', () => {
    const store = sessions();
    store.start('alice');
    now += 120_000;
    store.start('bob');
    expect(store.size).toBe(1);
  });
});
