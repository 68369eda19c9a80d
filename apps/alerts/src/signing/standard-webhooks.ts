import { createHmac, randomBytes } from 'node:crypto';

/**
 * Signing per the Standard Webhooks specification (standardwebhooks.com): the secret is `whsec_` plus
 * base64 key bytes; a signature is `v1,` + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)) over
 * the exact bytes sent; several signatures are separated by spaces (secret rotation).
 */
export const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret: 24 random bytes (the spec asks for 24 to 64). */
export function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
}

export function isWellFormedSecret(secret: string): boolean {
  if (!secret.startsWith(SECRET_PREFIX)) return false;
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return key.length >= 24 && key.length <= 64;
}

/** One `v1,` signature of a message: `timestamp` in whole seconds, `body` exactly as sent. */
export function sign(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

/** The `webhook-signature` header: one signature per live secret (the new one and, while rotating, the old). */
export function signatureHeader(secrets: string[], id: string, timestamp: number, body: string | Buffer): string {
  return secrets.map((secret) => sign(secret, id, timestamp, body)).join(' ');
}
