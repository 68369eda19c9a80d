import { createHash, timingSafeEqual } from 'node:crypto';

/** A person who may sign in to the console. */
export interface ConsoleUser {
  name: string;
  /** SHA-256 of the password. */
  digest: Buffer;
  /** The password as configured, or null when it was given as its SHA-256 (for production's checks). */
  plaintext: string | null;
}

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Reads CONSOLE_USERS items, `name=PASSWORD` or `name=sha256:HEX`: the users, or a problem per item (never echoing a password). */
export function parseConsoleUsers(items: string[]): { users: ConsoleUser[]; problems: string[] } {
  const users: ConsoleUser[] = [];
  const problems: string[] = [];
  items.forEach((item, index) => {
    const at = item.indexOf('=');
    const name = item.slice(0, at);
    const secret = item.slice(at + 1);
    if (at < 1 || !NAME.test(name)) return void problems.push(`user ${index + 1}: must be name=PASSWORD, the name 1-64 letters, digits or . _ @ -`);
    if (users.some((user) => user.name === name)) return void problems.push(`user ${index + 1}: ${name} is listed twice`);
    const hashed = /^sha256:(.*)$/.exec(secret);
    if (hashed && !/^[0-9a-fA-F]{64}$/.test(hashed[1])) return void problems.push(`user ${index + 1}: sha256: must be followed by 64 hex digits`);
    if (!hashed && secret.length < 8) return void problems.push(`user ${index + 1}: the password must be at least 8 characters`);
    users.push({ name, digest: hashed ? Buffer.from(hashed[1], 'hex') : sha256(secret), plaintext: hashed ? null : secret });
  });
  if (items.length === 0) problems.push('must list at least one user (name=PASSWORD)');
  return { users, problems };
}

/**
 * The user these credentials sign in, or null. Every user's digest is compared, in constant time, and
 * an unknown name costs the same as a wrong password: timing tells nothing of which names exist.
 */
export function userSignedInBy(users: readonly ConsoleUser[], name: string, password: string): ConsoleUser | null {
  const candidate = sha256(password);
  let found: ConsoleUser | null = null;
  for (const user of users) if (timingSafeEqual(candidate, user.digest) && user.name === name) found = user;
  return found;
}
