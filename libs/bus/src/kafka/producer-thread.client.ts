import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BusLogger } from '../bus-logger';
import type { ProducerClient } from './producer-client';
import { producerError } from './producer-session';
import type { FromProducerThread, ProducerThreadData, ThreadMessage, ToProducerThread } from './producer-thread.protocol';

/** Starts producer-thread.ts (.js once compiled); under ts-node or jest the thread compiles it itself. */
function startWorker(data: ProducerThreadData): Worker {
  const entry = join(__dirname, `producer-thread${extname(__filename)}`);
  const code =
    extname(__filename) === '.ts'
      ? `require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } }); require(${JSON.stringify(entry)});`
      : `require(${JSON.stringify(entry)});`;
  return new Worker(code, { eval: true, workerData: data });
}

/** The main thread's handle on one producer thread: send() resolves when the broker acknowledged. */
export class ProducerThreadClient implements ProducerClient {
  private worker?: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  constructor(
    private readonly data: ProducerThreadData,
    private readonly logger: BusLogger,
  ) {}

  send(topicMessages: Array<{ topic: string; messages: ThreadMessage[] }>): Promise<void> {
    return this.request((id) => ({ type: 'send', id, topicMessages }));
  }

  /** Starts the thread (and its connection) ahead of the first send. */
  warmUp(): void {
    this.ensureWorker();
  }

  /** A fresh producer in the same thread: after a topic it used was deleted. */
  reset(): Promise<void> {
    return this.worker ? this.request((id) => ({ type: 'reset', id })) : Promise.resolve();
  }

  private request(build: (id: number) => ToProducerThread): Promise<void> {
    const worker = this.ensureWorker();
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      worker.postMessage(build(id));
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ type: 'close' });
    await exited;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(this.data);
    worker.on('message', (message: FromProducerThread) => this.onMessage(message));
    worker.on('error', (error) => this.logger.error({ err: error }, 'kafka producer thread failed'));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined; // a crashed thread is replaced on the next send
      const error = new Error(`kafka producer thread exited (code ${code}) before the broker answered`);
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    });
    return (this.worker = worker);
  }

  private onMessage(message: FromProducerThread): void {
    if (message.type === 'log') {
      this.logger[message.level]({ kafka: message.extra }, message.message);
      return;
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.type === 'done') waiter.resolve();
    else waiter.reject(producerError(message));
  }
}
