import { randomBytes } from 'node:crypto';

export interface ConsoleSession {
  /** The cookie's value: 256 random bits. */
  id: string;
  user: string;
  /** Sent back by the page on every change (x-csrf-token): a request from another site cannot know it. */
  csrfToken: string;
  startedAt: number;
  lastUsedAt: number;
}

const token = () => randomBytes(32).toString('base64url');

/**
 * Signed-in sessions, in this process's memory: signing out or a restart ends them at once, with
 * nothing to revoke elsewhere. One console instance serves them (docs/console.md, "Sign-in").
 */
export class ConsoleSessions {
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(
    private readonly idleMs: number,
    private readonly maxMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  start(user: string): ConsoleSession {
    this.sweep();
    const at = this.now();
    const session: ConsoleSession = { id: token(), user, csrfToken: token(), startedAt: at, lastUsedAt: at };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, its idle time restarted; null for an unknown, idle or too old one. */
  use(id: string | undefined): ConsoleSession | null {
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (!session) return null;
    const at = this.now();
    if (this.expired(session, at)) {
      this.sessions.delete(session.id);
      return null;
    }
    session.lastUsedAt = at;
    return session;
  }

  /** Whether the session is live, without counting this as its use (a stream it holds open must not keep it alive). */
  active(id: string): boolean {
    const session = this.sessions.get(id);
    return session !== undefined && !this.expired(session, this.now());
  }

  end(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const at = this.now();
    for (const [id, session] of this.sessions) if (this.expired(session, at)) this.sessions.delete(id);
  }

  private expired(session: ConsoleSession, at: number): boolean {
    return at - session.lastUsedAt > this.idleMs || at - session.startedAt > this.maxMs;
  }
}
