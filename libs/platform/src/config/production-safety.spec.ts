import { parseApiKeys } from '../http/api-keys';
import { productionProblems } from './production-safety';

const keys = (...items: string[]) => parseApiKeys(items).keys;
const strong = 'a'.repeat(32);

describe('productionProblems', () => {
  it('refuses, one line each, the demo key, a key without scopes and a short key', () => {
    expect(
      productionProblems({
        NODE_ENV: 'production',
        BUS_URL: 'kafka://k:9092',
        API_KEYS: keys(`ingest=${strong}`, 'admin=dev-key-change-me', `b${strong}`, 'profiles=only-20-characters-x'),
      }),
    ).toEqual([
      expect.stringMatching(/^API_KEYS: admin#[0-9a-f]{8}: the demo key is refused in production$/),
      expect.stringMatching(/^API_KEYS: admin#[0-9a-f]{8}: must be at least 32 characters in production$/),
      expect.stringMatching(/^API_KEYS: all#[0-9a-f]{8}: a key without scopes \(every scope\) is for local development/),
      expect.stringMatching(/^API_KEYS: profiles#[0-9a-f]{8}: must be at least 32 characters in production$/),
    ]);
  });

  it("accepts scoped long keys and hashed ones, and adds the service's own problems", () => {
    expect(
      productionProblems({ NODE_ENV: 'production', BUS_URL: 'kafka://k:9092', API_KEYS: keys(`ingest=${strong}`, `admin=sha256:${'0'.repeat(64)}`) }),
    ).toEqual([]);
    expect(
      productionProblems({ NODE_ENV: 'production', BUS_URL: 'kafka://k:9092', API_KEYS: keys(`ingest=${strong}`) }, [
        'WEBHOOK_ALLOWED_TARGETS: 8.8.8.8 covers public addresses',
      ]),
    ).toEqual(['WEBHOOK_ALLOWED_TARGETS: 8.8.8.8 covers public addresses']);
  });

  it('refuses SASL PLAIN without TLS, which would send the password in clear', () => {
    const config = { NODE_ENV: 'production', API_KEYS: keys(`ingest=${strong}`), KAFKA_SASL_MECHANISM: 'plain' };
    expect(productionProblems({ ...config, BUS_URL: 'kafka://k:9092' })).toEqual([
      expect.stringMatching(/^KAFKA_SASL_MECHANISM: plain sends the password in clear without TLS/),
    ]);
    expect(productionProblems({ ...config, BUS_URL: 'kafka+ssl://k:9093' })).toEqual([]);
    expect(productionProblems({ ...config, BUS_URL: 'kafka://k:9092', KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toEqual([]);
  });

  it('leaves development alone', () => {
    expect(productionProblems({ NODE_ENV: 'development', BUS_URL: 'kafka://k:9092', API_KEYS: keys('dev-key-change-me') }, ['anything'])).toEqual([]);
  });
});
