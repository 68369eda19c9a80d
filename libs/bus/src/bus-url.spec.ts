import { parseBusUrl } from './bus-url';

describe('parseBusUrl', () => {
  it('reads a Kafka broker list', () => {
    expect(parseBusUrl('kafka://127.0.0.1:9092,kafka-2:9093')).toEqual({
      engine: 'kafka',
      brokers: ['127.0.0.1:9092', 'kafka-2:9093'],
      tls: false,
      url: 'kafka://127.0.0.1:9092,kafka-2:9093',
    });
  });
  it('reads kafka+ssl:// as Kafka over TLS', () => {
    expect(parseBusUrl('kafka+ssl://b-1.example.com:9096')).toMatchObject({ engine: 'kafka', brokers: ['b-1.example.com:9096'], tls: true });
  });
  it('keeps a Redis URL whole for the client', () => {
    expect(parseBusUrl('redis://127.0.0.1:6379/2')).toMatchObject({ engine: 'redis', url: 'redis://127.0.0.1:6379/2' });
  });
  it.each(['', 'http://x:1', 'kafka://', 'kafka://host', 'kafka://host:port', 'kafka+tls://host:1'])('rejects %j with a message naming BUS_URL', (url) => {
    expect(() => parseBusUrl(url)).toThrow(/BUS_URL/);
  });
});
