/**
 * Entry point of a producer thread: a KafkaProducerSession sending what the main thread hands it, so
 * that kafkajs's encoding (about one core per ~100k records/s) can use another core (docs/bus.md,
 * "Producers"). Imports stay relative: this file is loaded by a bare worker, outside the app's path aliases.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KafkaProducerSession } from './producer-session';
import type { FromProducerThread, ProducerThreadData, ToProducerThread } from './producer-thread.protocol';

const port = parentPort!;
const post = (message: FromProducerThread) => port.postMessage(message);
const session = new KafkaProducerSession(workerData as ProducerThreadData, (log) => post({ type: 'log', ...log }));

// Requests are handled one at a time, in order: the main thread keeps one send in flight anyway.
let queue = Promise.resolve();
port.on('message', (request: ToProducerThread) => {
  queue = queue.then(() => handle(request));
});

async function handle(request: ToProducerThread): Promise<void> {
  if (request.type === 'close') {
    await session.close();
    port.close();
    return;
  }
  try {
    await (request.type === 'reset' ? session.reset() : session.send(request.topicMessages));
    post({ type: 'done', id: request.id });
  } catch (error) {
    const { name, message, type } = error as Error & { type?: string };
    post({ type: 'failed', id: request.id, name, message, kafkaType: type });
  }
}
