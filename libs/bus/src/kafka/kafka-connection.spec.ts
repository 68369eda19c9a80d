import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaClientOptions, kafkaConnection, kafkaTopicSettings } from './kafka-connection';

describe('kafkaConnection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-connection-'));
  const pem = (name: string) => {
    const file = join(dir, name);
    writeFileSync(file, `-----BEGIN ${name}-----\n`);
    return file;
  };

  it('is plaintext without TLS or SASL', () => {
    expect(kafkaClientOptions(kafkaConnection(['k:9092'], false, {}))).toEqual({ brokers: ['k:9092'] });
  });

  it('reads the CA and the client certificate for TLS, and never skips verification', () => {
    const connection = kafkaConnection(['k:9093'], true, { KAFKA_SSL_CA_FILE: pem('ca'), KAFKA_SSL_CERT_FILE: pem('cert'), KAFKA_SSL_KEY_FILE: pem('key') });
    expect(kafkaClientOptions(connection)).toEqual({
      brokers: ['k:9093'],
      ssl: { ca: '-----BEGIN ca-----\n', cert: '-----BEGIN cert-----\n', key: '-----BEGIN key-----\n', rejectUnauthorized: true },
    });
    expect(kafkaClientOptions(kafkaConnection(['k:9093'], true, {}))).toEqual({ brokers: ['k:9093'], ssl: { rejectUnauthorized: true } });
  });

  it('takes a SASL mechanism with its credentials, and refuses one without them', () => {
    const sasl = { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' };
    expect(kafkaClientOptions(kafkaConnection(['k:9093'], true, sasl)).sasl).toEqual({ mechanism: 'scram-sha-512', username: 'svc', password: 'pw' });
    expect(() => kafkaConnection(['k:9093'], true, { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc' })).toThrow(
      'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required',
    );
    expect(() => kafkaConnection(['k:9093'], true, { ...sasl, KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(
      'KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512',
    );
  });

  it('reads topic replication settings, unset meaning the cluster default', () => {
    expect(kafkaTopicSettings({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: 2 })).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(kafkaTopicSettings({})).toEqual({ replicationFactor: undefined, minInsyncReplicas: undefined });
  });
});
