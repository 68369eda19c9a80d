import { verifyStandardWebhook } from '@app/testing';
import { generateSecret, isWellFormedSecret, sign, signatureHeader } from './standard-webhooks';

/** What a receiver does, written from the specification's text rather than from our signer. */
const receiverAccepts = (secret: string, headers: { id: string; timestamp: string; signature: string }, body: string, nowSeconds: number) =>
  verifyStandardWebhook(secret, { id: headers.id, timestamp: Number(headers.timestamp), signature: headers.signature, body, at: 0 }, nowSeconds);

describe('Standard Webhooks signing', () => {
  it('reproduces the specification test vector', () => {
    expect(sign('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('signs what a receiver written from the spec verifies, and nothing altered', () => {
    const secret = generateSecret();
    const body = JSON.stringify({ alertId: 'a-1', score: 0.93, note: 'é' });
    const headers = { id: 'dlv_1', timestamp: '1795400000', signature: signatureHeader([secret], 'dlv_1', 1795400000, body) };
    expect(receiverAccepts(secret, headers, body, 1795400010)).toBe(true);
    expect(receiverAccepts(secret, headers, body.replace('0.93', '0.94'), 1795400010)).toBe(false);
    expect(receiverAccepts(secret, { ...headers, id: 'dlv_2' }, body, 1795400010)).toBe(false);
    expect(receiverAccepts(generateSecret(), headers, body, 1795400010)).toBe(false);
  });

  it('sends a signature for each live secret while rotating, so either verifies', () => {
    const [previous, next] = [generateSecret(), generateSecret()];
    const header = signatureHeader([next, previous], 'dlv_9', 1795400000, '{}');
    expect(header.split(' ')).toHaveLength(2);
    for (const secret of [previous, next])
      expect(receiverAccepts(secret, { id: 'dlv_9', timestamp: '1795400000', signature: header }, '{}', 1795400000)).toBe(true);
  });

  it('makes secrets of the spec form', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(isWellFormedSecret(secret)).toBe(true);
    expect(isWellFormedSecret('whsec_c2hvcnQ=')).toBe(false);
    expect(isWellFormedSecret('secret')).toBe(false);
  });
});
