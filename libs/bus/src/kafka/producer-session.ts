/**
 * One idempotent kafkajs producer (acks=all) and what it takes to keep it sending: a connect tried again
 * after it failed, a fresh producer after a failed send, SASL handshakes cut short tried again. The
 * service's own thread runs one (in-process-producer.client.ts), and so does each producer thread
 * (producer-thread.ts). Imports stay relative: a producer thread loads this outside the app's path aliases.
 */
import { Kafka, logLevel, type LogEntry, type Producer } from 'kafkajs';
import { kafkaClientOptions } from './kafka-connection';
import { kafkaLogLevelName } from './kafka-log-level';
import { KAFKA_RETRY } from './kafka-retry';
import { retryWhile } from './retry-while';
import { noDelaySocketFactory } from './no-delay-socket-factory';
import type { ProducerFailure, ProducerLog, ProducerThreadData, ThreadMessage } from './producer-thread.protocol';

export class KafkaProducerSession {
  private readonly kafka: Kafka;
  private producer: Producer;
  private connected: Promise<void> | undefined;

  constructor({ connection, clientId }: ProducerThreadData, log: (entry: ProducerLog) => void) {
    this.kafka = new Kafka({
      clientId,
      ...kafkaClientOptions(connection),
      socketFactory: noDelaySocketFactory,
      retry: KAFKA_RETRY,
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log: { message, ...extra } }: LogEntry) => {
          // Said at every producer's start: the retry limit is deliberate (a publish fails after KAFKA_RETRY
          // instead of hanging), and consumers absorb what a retried send writes twice.
          if (message === 'Limiting retries for the idempotent producer may invalidate EoS guarantees') return;
          log({ level: kafkaLogLevelName(level), message, extra: JSON.parse(JSON.stringify(extra)) as Record<string, unknown> });
        },
    });
    this.producer = this.newProducer();
  }

  /** Resolves once the broker acknowledged every record; rejects with what producerError() makes of a failure. */
  async send(topicMessages: Array<{ topic: string; messages: ThreadMessage[] }>): Promise<void> {
    try {
      await retryWhile(authenticationCutShort, async () => {
        await retryWhile(brokerAway, () => this.connect());
        await this.producer.sendBatch({ acks: -1, topicMessages });
      });
    } catch (error) {
      // A failed send leaves the idempotent producer's sequence numbers in doubt (the broker may have
      // written what timed out), and a failed connect is kept by `connected`: the retry gets a new
      // producer, whose new id starts its sequences afresh. What was written is then written again,
      // which at-least-once consumers absorb.
      await this.reset();
      throw producerError({ name: (error as Error).name, message: (error as Error).message, kafkaType: kafkaErrorType(error) }, error);
    }
  }

  /** Connects once; a connect cut short is tried again on this producer (a fresh one connects at its first send). */
  private connect(): Promise<void> {
    this.connected ??= this.producer.connect();
    return this.connected.catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
  }

  /** A fresh producer (kafkajs keeps failing on metadata for a topic deleted under it). */
  async reset(): Promise<void> {
    await this.close();
    this.producer = this.newProducer();
  }

  async close(): Promise<void> {
    if (this.connected) await this.connected.then(() => this.producer.disconnect()).catch(() => undefined);
    this.connected = undefined;
  }

  // Partitions are chosen by the caller (partitionForKey), so every engine agrees on them.
  private newProducer() {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: KAFKA_RETRY,
      createPartitioner:
        () =>
        ({ message }) =>
          message.partition!,
    });
  }
}

/**
 * The Error a failed send rejects with, the same from a thread as from the service's own: its name, its
 * message and the broker's error code name as `type`, which publishFailure reads. In the service's own
 * thread kafkajs's error comes along as the cause (a thread's cannot cross postMessage whole).
 */
export function producerError({ name, message, kafkaType }: ProducerFailure, cause?: unknown): Error & { type?: string } {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { name, type: kafkaType });
}

/**
 * A connection reset or a timeout while authenticating is the network or a restarting broker, not the
 * credentials, but kafkajs marks every SASL failure as final (tulios/kafkajs#1550): a broker restart
 * on a SASL listener then failed the send, or the connect of the producer that replaced a failed one.
 * Tried again, on the same producer: nothing was produced on a connection that never authenticated, so
 * its sequences stay valid.
 */
const authenticationCutShort = (e: Error) => e.name === 'KafkaJSSASLAuthenticationError' && /Connection error|Connection closed|timed out/i.test(e.message);

/**
 * The broker away while a producer connects: kafkajs asks for an idempotent producer's id once connected,
 * and gives up at the first connection error there, where a send rides out a restart. Nothing was
 * produced yet, so the same producer connects again.
 */
const brokerAway = (e: Error) => e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSConnectionClosedError';

/** The broker's error code name (MESSAGE_TOO_LARGE, ...) of a kafkajs error or of the error it wraps. */
function kafkaErrorType(error: unknown): string | undefined {
  for (let e = error as { type?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.type === 'string') return e.type;
  }
  return undefined;
}
