import { createBus, silentBusLogger, type BusRecord, type KafkaSettings, type MessageBus } from '@app/bus';
import { topicNames } from '@app/contracts';
import { loadConfig } from '@app/platform';
import { bootApp, eventually, untilReady, securedKafkaSettings, startOwnedKafka, testEnv, uniqueName, type OwnedServer } from '@app/testing';
import { ingestEnv } from '../../../apps/ingest/src/ingest.config';
import { IngestModule } from '../../../apps/ingest/src/ingest.module';

/**
 * A broker that takes only TLS with SASL, as managed clusters do (scripts/kafka.sh's SASL_SSL listener):
 * each mechanism works, a wrong password is refused with the reason, and a service
 * configured through KAFKA_* settings publishes over it. The contract suite covers the rest over SASL_SSL.
 */
describe('Kafka over SASL_SSL', () => {
  let server: OwnedServer & { kafka: KafkaSettings };
  let caFile: string;
  const buses: MessageBus[] = [];
  const busWith = (kafka: KafkaSettings) => {
    const bus = createBus({ url: server.url, clientId: 'sasl-ssl-test', logger: silentBusLogger, kafka });
    buses.push(bus);
    return bus;
  };

  beforeAll(async () => {
    server = await startOwnedKafka({ saslSsl: true });
    caFile = server.kafka.KAFKA_SSL_CA_FILE!;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close().catch(() => undefined)));
    await server?.dispose();
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'])(
    'publishes and consumes with SASL %s over TLS',
    async (mechanism) => {
      const bus = busWith(securedKafkaSettings(caFile, mechanism));
      const topic = uniqueName(`sasl-${mechanism}`);
      await bus.ensureTopics([
        { topic, partitions: 2 },
        { topic: `${topic}.dlq`, partitions: 1 },
      ]);
      await bus.publish(
        topic,
        Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 5}`, value: String(i) })),
      );
      const seen: BusRecord[] = [];
      const consumer = await bus.consume({
        group: uniqueName('g'),
        topics: [topic],
        deadLetterTopic: `${topic}.dlq`,
        handler: async (batch) => void seen.push(...batch.records),
      });
      await eventually(() => expect(seen).toHaveLength(50), { timeoutMs: 30_000 });
      await consumer.stop();
    },
    60_000,
  );

  // A certificate that does not verify is a connection error to kafkajs, retried like an outage (about
  // 100 s, KAFKA_RETRY) before it fails the same way: too slow to wait for here; kafka-connection.spec.ts
  // checks that verification is never turned off.
  it('refuses a wrong password at once, saying why', async () => {
    const wrongPassword = busWith({ ...securedKafkaSettings(caFile), KAFKA_SASL_PASSWORD: 'not-the-password' });
    await expect(wrongPassword.ensureTopics([{ topic: uniqueName('x'), partitions: 1 }])).rejects.toThrow(/authentication failed.*invalid credentials/i);
  }, 30_000);

  it('is what a service reaches through BUS_URL=kafka+ssl:// and its KAFKA_* settings', async () => {
    const prefix = `${uniqueName('sasl')}.`;
    const env = {
      API_KEYS: 'ingest=sasl-ssl-test-key-0123456789abcdef',
      LOG_LEVEL: 'silent',
      BUS_URL: server.url,
      BUS_TOPIC_PREFIX: prefix,
      BUS_PARTITIONS: '2',
      REDIS_URL: testEnv.redisUrl,
      INGEST_ROLES: 'http',
      ...server.kafka,
      KAFKA_REPLICATION_FACTOR: '1',
      KAFKA_MIN_INSYNC_REPLICAS: '1',
      // The producer's first SASL_SSL handshake on a loaded machine may take longer than the 5 s default.
      INGEST_PUBLISH_TIMEOUT_MS: '30000',
    };
    const app = await untilReady(await bootApp(IngestModule.forRoot(loadConfig(ingestEnv, env as Record<string, string>)), 'ingest'));
    try {
      const event = { eventId: uniqueName('e'), type: 'page_view', userId: 'u-1', occurredAt: new Date(Date.now() - 1_000).toISOString(), properties: {} };
      const answer = await fetch(`${app.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sasl-ssl-test-key-0123456789abcdef' },
        body: JSON.stringify(event),
      });
      expect(answer.status).toBe(202);
      const bus = busWith(server.kafka);
      const seen: BusRecord[] = [];
      const topics = topicNames(prefix);
      const consumer = await bus.consume({
        group: uniqueName('g'),
        topics: [topics.enriched],
        deadLetterTopic: topics.invalid,
        handler: async (batch) => void seen.push(...batch.records),
      });
      await eventually(() => expect(seen.map((r) => (JSON.parse(r.value.toString()) as { eventId: string }).eventId)).toContain(event.eventId), {
        timeoutMs: 30_000,
      });
      await consumer.stop();
    } finally {
      await app.close();
    }
  }, 90_000);
});
