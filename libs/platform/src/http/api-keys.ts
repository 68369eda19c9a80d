import { createHash } from 'node:crypto';

/** What a key may do: send events, read profiles, ask for decisions, manage rules, models and webhooks. */
export const SCOPES = ['ingest', 'profiles', 'decide', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** The key local setups use by default: refused in production. */
export const DEMO_API_KEY = 'dev-key-change-me';
/** Shortest plaintext key production accepts (a hashed key's secret is not known here). */
export const MIN_PRODUCTION_KEY_LENGTH = 32;

export interface ApiKey {
  /** For logs and metrics: the scopes and a fingerprint of the secret, never the secret. */
  name: string;
  scopes: ReadonlySet<Scope>;
  /** SHA-256 of the secret. */
  digest: Buffer;
  /** A bare key: every scope, for local development. */
  bare: boolean;
  /** The secret as configured, or null when it was given as its SHA-256. */
  plaintext: string | null;
}

export const sha256 = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * Reads API_KEYS items: `scope+scope=SECRET`, `scope=sha256:HEX`, or a bare `SECRET` (every scope).
 * Returns the keys, or a problem per item that is not one (without echoing the secret).
 */
export function parseApiKeys(items: string[]): { keys: ApiKey[]; problems: string[] } {
  const keys: ApiKey[] = [];
  const problems: string[] = [];
  items.forEach((item, index) => {
    const at = item.indexOf('=');
    const bare = at < 0;
    const scopeList = bare
      ? [...SCOPES]
      : item
          .slice(0, at)
          .split('+')
          .map((s) => s.trim());
    const secret = bare ? item : item.slice(at + 1);
    const unknown = scopeList.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length > 0 || scopeList.length === 0) {
      // Not echoed: a bare secret holding "=" (base64 padding) would show its first part here.
      problems.push(`key ${index + 1}: before "=" must come scopes (${SCOPES.join(', ')}) joined by +; a bare secret may not contain "="`);
      return;
    }
    const hashed = /^sha256:(.*)$/.exec(secret);
    if (hashed && !/^[0-9a-fA-F]{64}$/.test(hashed[1])) {
      problems.push(`key ${index + 1}: sha256: must be followed by 64 hex digits`);
      return;
    }
    if (!hashed && secret.length < 8) {
      problems.push(`key ${index + 1}: must be at least 8 characters`);
      return;
    }
    const digest = hashed ? Buffer.from(hashed[1], 'hex') : sha256(secret);
    keys.push({
      name: `${bare ? 'all' : scopeList.join('+')}#${digest.toString('hex').slice(0, 8)}`,
      scopes: new Set(scopeList as Scope[]),
      digest,
      bare,
      plaintext: hashed ? null : secret,
    });
  });
  if (items.length === 0) problems.push('must list at least one key (comma-separated)');
  return { keys, problems };
}

/** What production refuses in a key list: the demo key, bare all-scope keys, short secrets. */
export function productionKeyProblems(keys: ApiKey[]): string[] {
  return keys.flatMap((key) => [
    ...(key.plaintext === DEMO_API_KEY ? [`${key.name}: the demo key is refused in production`] : []),
    ...(key.bare ? [`${key.name}: a key without scopes (every scope) is for local development; give it scopes, e.g. admin=SECRET`] : []),
    ...(key.plaintext !== null && key.plaintext.length < MIN_PRODUCTION_KEY_LENGTH
      ? [`${key.name}: must be at least ${MIN_PRODUCTION_KEY_LENGTH} characters in production`]
      : []),
  ]);
}

/** The first configured plaintext secret with `scope`, for tools that call the services (simulate, demo). */
export function secretWithScope(apiKeys: string | undefined, scope: Scope): string | undefined {
  const { keys } = parseApiKeys(
    (apiKeys ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  return keys.find((k) => k.scopes.has(scope) && k.plaintext !== null)?.plaintext ?? undefined;
}
