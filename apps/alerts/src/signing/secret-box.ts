import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** One key of WEBHOOK_SECRET_KEYS: its id is stored with every secret it seals, so keys can be rotated. */
export interface SecretKey {
  id: string;
  key: Buffer;
}

/** Local development's key when WEBHOOK_SECRET_KEYS is not set: production refuses it. */
export const DEVELOPMENT_SECRET_KEY: SecretKey = { id: 'dev', key: createHash('sha256').update('sentinel-stream development webhook secrets').digest() };

/** What production refuses: webhook secrets sealed with the development key, which anyone can read here. */
export function productionSecretKeyProblems(keys: SecretKey[]): string[] {
  return keys.some((k) => k.id === DEVELOPMENT_SECRET_KEY.id && k.key.equals(DEVELOPMENT_SECRET_KEY.key))
    ? ['WEBHOOK_SECRET_KEYS: must be set in production (id=BASE64 of 32 random bytes: openssl rand -base64 32); the development key is public']
    : [];
}

const FORMAT = 'enc:v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {}

/**
 * Webhook signing secrets at rest: AES-256-GCM, as `enc:v1:<key id>:<base64url(iv | ciphertext | tag)>`.
 * The first key seals; every key opens, so a new key can be put first while rows sealed with the old
 * one are still read, and rewrapped (needsRewrap) until the old key can be dropped.
 */
export class SecretBox {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: SecretKey[]) {
    if (keys.length === 0) throw new Error('a secret box needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get sealingKeyId(): string {
    return this.keys[0].id;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0].key, iv);
    const sealed = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${FORMAT}:${this.keys[0].id}:${sealed.toString('base64url')}`;
  }

  /** The secret a stored value holds; a value stored before encryption (`whsec_...`) is returned as it is. */
  open(stored: string): string {
    if (!stored.startsWith(`${FORMAT}:`)) return stored;
    const [, , keyId, body] = stored.split(':');
    const key = this.byId.get(keyId);
    if (!key) throw new SecretBoxError(`a webhook secret is sealed with key "${keyId}", which WEBHOOK_SECRET_KEYS does not hold`);
    const bytes = Buffer.from(body ?? '', 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError(`a webhook secret sealed with key "${keyId}" is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(`a webhook secret does not open with key "${keyId}": the key or the stored value is wrong`);
    }
  }

  /** Stored in plaintext, or sealed with a key that is no longer the first. */
  needsRewrap(stored: string): boolean {
    return !stored.startsWith(`${FORMAT}:${this.keys[0].id}:`);
  }
}

/**
 * Reads WEBHOOK_SECRET_KEYS items, `id=BASE64` (32 bytes each, first seals); a problem per bad item,
 * naming it by its place in the list only: an item without an id is key material (`BASE64==` has
 * its own `=`), and no part of it may reach a log.
 */
export function parseSecretKeys(items: string[]): { keys: SecretKey[]; problems: string[] } {
  const keys: SecretKey[] = [];
  const problems: string[] = [];
  items.forEach((item, index) => {
    const at = item.indexOf('=');
    const id = at < 0 ? '' : item.slice(0, at).trim();
    const value = at < 0 ? '' : item.slice(at + 1).trim();
    const key = Buffer.from(value, 'base64');
    const name = `key ${index + 1}`;
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id) || /^=*$/.test(value)) problems.push(`${name}: must be id=BASE64, the id 1-32 letters, digits, _ or -`);
    else if (key.length !== 32) problems.push(`${name}: must be 32 bytes in base64 (openssl rand -base64 32), not ${key.length}`);
    else if (keys.some((k) => k.id === id)) problems.push(`${name}: its id is listed before`);
    else keys.push({ id, key });
  });
  return { keys, problems };
}
