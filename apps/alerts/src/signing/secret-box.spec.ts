import { randomBytes } from 'node:crypto';
import { parseSecretKeys, SecretBox, SecretBoxError } from './secret-box';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('SecretBox', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwXpQ3';

  it('seals with the first key, naming it, and opens what it sealed', () => {
    const box = new SecretBox([key('k2'), key('k1')]);
    const sealed = box.seal(secret);
    expect(sealed).toMatch(/^enc:v1:k2:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(secret);
    expect(box.open(sealed)).toBe(secret);
    expect(box.seal(secret)).not.toBe(sealed); // a fresh IV each time
  });

  it('opens secrets sealed with an older key after a new one is put first, and says they need rewrapping', () => {
    const old = key('k1');
    const sealed = new SecretBox([old]).seal(secret);
    const rotated = new SecretBox([key('k2'), old]);
    expect(rotated.open(sealed)).toBe(secret);
    expect(rotated.needsRewrap(sealed)).toBe(true);
    expect(rotated.needsRewrap(rotated.seal(secret))).toBe(false);
  });

  it('returns a secret stored before encryption as it is, and asks for it to be sealed', () => {
    const box = new SecretBox([key('k1')]);
    expect(box.open(secret)).toBe(secret);
    expect(box.needsRewrap(secret)).toBe(true);
  });

  it('refuses a value sealed with a key it lacks, a tampered value, and a truncated one, without echoing them', () => {
    const sealed = new SecretBox([key('k1')]).seal(secret);
    const box = new SecretBox([key('k1')]);
    expect(() => box.open(sealed)).toThrow(SecretBoxError);
    expect(() => new SecretBox([key('k9')]).open(sealed)).toThrow('key "k1", which WEBHOOK_SECRET_KEYS does not hold');
    const own = new SecretBox([key('k1')]);
    const good = own.seal(secret);
    const tampered = `${good.slice(0, -2)}${good.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(() => own.open(tampered)).toThrow('does not open');
    expect(() => own.open('enc:v1:k1:abc')).toThrow('truncated');
  });
});

describe('parseSecretKeys', () => {
  it('reads id=BASE64 keys of 32 bytes, in order', () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    const { keys, problems } = parseSecretKeys([`2026-12=${a.toString('base64')}`, `2026-06=${b.toString('base64')}`]);
    expect(problems).toEqual([]);
    expect(keys.map((k) => k.id)).toEqual(['2026-12', '2026-06']);
    expect(keys[0].key.equals(a)).toBe(true);
  });

  it('says what is wrong with each bad item without echoing any part of a key', () => {
    // Base64 without an id still holds "=" (its padding); with or without "+" and "/" in it.
    const short = 'ujLMVtHRtSF9k4unu12JJw==';
    const bare = Buffer.alloc(32, 7).toString('base64');
    const good = randomBytes(32).toString('base64');
    const { problems } = parseSecretKeys([short, bare, `k=${short}`, `k1=${good}`, `k1=${good}`, `bad id=${good}`, 'k2=']);
    expect(problems).toEqual([
      'key 1: must be id=BASE64, the id 1-32 letters, digits, _ or -',
      'key 2: must be id=BASE64, the id 1-32 letters, digits, _ or -',
      'key 3: must be 32 bytes in base64 (openssl rand -base64 32), not 16',
      'key 5: its id is listed before',
      'key 6: must be id=BASE64, the id 1-32 letters, digits, _ or -',
      'key 7: must be id=BASE64, the id 1-32 letters, digits, _ or -',
    ]);
    const said = problems.join(' ');
    expect([short.slice(0, 8), bare.slice(0, 8), good.slice(0, 8)].filter((part) => said.includes(part))).toEqual([]);
  });
});
