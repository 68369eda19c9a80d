/**
 * Entry point of a producer thread: one idempotent kafkajs producer (acks=all) that sends what the
 * main thread hands it. kafkajs encodes records in JavaScript at about one core per ~100k records/s;
 * a thread per producer lets encoding use the machine's other core (see docs/bus.md).
 * Imports stay relative: this file is loaded by a bare worker, outside the app's path aliases.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { kafkaClientOptions } from './kafka-connection';
import { KAFKA_RETRY } from './kafka-retry';
import { noDelaySocketFactory } from './no-delay-socket-factory';
import type { FromProducerThread, ProducerThreadData, ToProducerThread } from './producer-thread.protocol';

const port = parentPort!;
const { connection, clientId } = workerData as ProducerThreadData;
const post = (message: FromProducerThread) => port.postMessage(message);
const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

const kafka = new Kafka({
  clientId,
  ...kafkaClientOptions(connection),
  socketFactory: noDelaySocketFactory,
  retry: KAFKA_RETRY,
  logLevel: logLevel.WARN,
  logCreator:
    () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      // Said at every producer's start: the retry limit is deliberate (a publish fails after KAFKA_RETRY
      // instead of hanging), and consumers absorb what a retried send writes twice.
      if (message === 'Limiting retries for the idempotent producer may invalidate EoS guarantees') return;
      post({ type: 'log', level: levels[level] ?? 'info', message, extra: JSON.parse(JSON.stringify(extra)) });
    },
});

// Partitions are chosen by the main thread (partitionForKey), so every engine agrees on them.
const newProducer = () =>
  kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: KAFKA_RETRY,
    createPartitioner:
      () =>
      ({ message }) =>
        message.partition!,
  });
let producer = newProducer();
let connected: Promise<void> | undefined;

async function disconnect(): Promise<void> {
  if (connected) await connected.then(() => producer.disconnect()).catch(() => undefined);
  connected = undefined;
}

// Requests are handled one at a time, in order: the main thread keeps one send in flight anyway.
let queue = Promise.resolve();
port.on('message', (request: ToProducerThread) => {
  queue = queue.then(() => handle(request));
});

async function handle(request: ToProducerThread): Promise<void> {
  if (request.type === 'close') {
    await disconnect();
    port.close();
    return;
  }
  try {
    if (request.type === 'reset') {
      await disconnect();
      producer = newProducer();
    } else {
      await sendThroughInterruptedAuthentication(async () => {
        connected ??= producer.connect();
        // A connect cut short is tried again on this producer (a fresh one connects at its first send).
        await connected.catch((error: unknown) => {
          connected = undefined;
          throw error;
        });
        await producer.sendBatch({ acks: -1, topicMessages: request.topicMessages });
      });
    }
    post({ type: 'done', id: request.id });
  } catch (error) {
    const e = error as Error;
    post({ type: 'failed', id: request.id, name: e.name, message: e.message, kafkaType: kafkaErrorType(error) });
    if (request.type === 'send') {
      // A failed send leaves the idempotent producer's sequence numbers in doubt (the broker may have
      // written what timed out), and a failed connect is kept by `connected`: the retry gets a new
      // producer, whose new id starts its sequences afresh. What was written is then written again,
      // which at-least-once consumers absorb.
      await disconnect();
      producer = newProducer();
    }
  }
}

/**
 * A connection reset or a timeout while authenticating is the network or a restarting broker, not the
 * credentials, but kafkajs marks every SASL failure as final (tulios/kafkajs#1550): a broker restart
 * on a SASL listener then failed the send, or the connect of the producer that replaced a failed one.
 * Tried again, on the same producer, within the retry policy: nothing was produced on a connection
 * that never authenticated, so its sequences stay valid.
 */
async function sendThroughInterruptedAuthentication<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const e = error as Error;
      const interrupted = e.name === 'KafkaJSSASLAuthenticationError' && /Connection error|Connection closed|timed out/i.test(e.message);
      if (!interrupted || attempt >= KAFKA_RETRY.retries) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(KAFKA_RETRY.maxRetryTime, KAFKA_RETRY.initialRetryTime * 2 ** attempt)));
    }
  }
}

/** The broker's error code name (MESSAGE_TOO_LARGE, ...) of a kafkajs error or of the error it wraps. */
function kafkaErrorType(error: unknown): string | undefined {
  for (let e = error as { type?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.type === 'string') return e.type;
  }
  return undefined;
}
