import { runBatch } from './batch-runner';
import type { BusLogger } from './bus-logger';
import { busMetrics } from './bus.metrics';
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_TRANSIENT_RETRY_BUDGET_MS,
  type BusEngine,
  type ConsumeOptions,
  type OutgoingRecord,
  type RecordBatch,
} from './bus.port';
import { toDeadLetterRecord, type DeadLetter } from './dead-letter';
import { partitionProgress } from './partition-progress';

export interface BatchProcessingContext {
  engine: BusEngine;
  options: ConsumeOptions;
  logger: BusLogger;
  /** The engine's own publish: dead letters go to options.deadLetterTopic before the batch is committed. */
  publish(topic: string, records: OutgoingRecord[]): Promise<void>;
  isStopping(): boolean;
  wait(ms: number): Promise<void>;
}

/**
 * What both engines do with a batch before committing it: run the handler to completion
 * (runBatch), publish its dead letters, and count. Returns false when the batch was abandoned
 * because the consumer is stopping: the caller must then not commit it.
 */
export async function processBatch(batch: RecordBatch, context: BatchProcessingContext): Promise<boolean> {
  const { engine, options, logger } = context;
  const labels = { engine, group: options.group, topic: batch.topic };
  const timer = busMetrics.handlerSeconds.startTimer(labels);
  partitionProgress.batchStarted(engine, options.group, batch.topic, batch.partition);
  const outcome = await runBatch(batch, options.handler, {
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    transientBudgetMs: options.transientRetryBudgetMs ?? DEFAULT_TRANSIENT_RETRY_BUDGET_MS,
    isStopping: context.isStopping,
    wait: context.wait,
    onFailure: (err, records, attempt) => {
      busMetrics.handlerFailures.inc(labels);
      logger.warn({ err, group: options.group, topic: batch.topic, partition: batch.partition, records, attempt }, 'batch handler failed; retrying');
    },
  });
  if (outcome.status === 'aborted') {
    partitionProgress.batchAbandoned(engine, options.group, batch.topic, batch.partition);
    return false;
  }
  if (outcome.transientBudgetSpent) {
    busMetrics.transientBudgetSpent.inc(labels);
    logger.error(
      { group: options.group, topic: batch.topic, partition: batch.partition, records: batch.records.length },
      'a batch failed transiently for longer than the retry budget: its failing records are dead-lettered',
    );
  }
  await publishDeadLetters(outcome.deadLetters, context);
  timer();
  batchDone(batch, outcome.deadLetters.length, context);
  return true;
}

/**
 * Several partitions' batches through ConsumeOptions.handleTogether, once: true when they are done (their
 * dead letters published, counted as processBatch counts), false when the handler threw. The caller then
 * hands each batch to processBatch, whose retries and search for a poison record handle whatever failed.
 */
export async function processBatchesTogether(batches: RecordBatch[], context: BatchProcessingContext): Promise<boolean> {
  const { engine, options, logger } = context;
  const handleTogether = options.handleTogether;
  if (!handleTogether || context.isStopping()) return false;
  const labels = { engine, group: options.group, topic: 'together' };
  const timer = busMetrics.handlerSeconds.startTimer(labels);
  for (const batch of batches) partitionProgress.batchStarted(engine, options.group, batch.topic, batch.partition);
  const letters: DeadLetter[] = [];
  try {
    await handleTogether(batches, { deadLetter: (record, reason) => letters.push({ record, reason }) });
  } catch (err) {
    busMetrics.handlerFailures.inc(labels);
    logger.warn({ err, group: options.group, batches: batches.length }, 'batches handled together failed; handling each partition on its own');
    return false;
  }
  await publishDeadLetters(letters, context);
  timer();
  for (const batch of batches) {
    const lettered = letters.filter((letter) => letter.record.topic === batch.topic && letter.record.partition === batch.partition).length;
    batchDone(batch, lettered, context);
  }
  return true;
}

/** A batch's dead letters go out before it is committed: a failure here leaves the batch to be read again. */
async function publishDeadLetters(letters: DeadLetter[], { options, publish }: BatchProcessingContext): Promise<void> {
  if (letters.length > 0)
    await publish(
      options.deadLetterTopic,
      letters.map((letter) => toDeadLetterRecord(letter, options.group)),
    );
}

/** Counts a finished batch (its records consumed, `lettered` of them dead-lettered) and marks its partition as progressing. */
function batchDone(batch: RecordBatch, lettered: number, { engine, options }: BatchProcessingContext): void {
  const labels = { engine, group: options.group, topic: batch.topic };
  if (lettered > 0) busMetrics.deadLettered.inc(labels, lettered);
  busMetrics.consumed.inc({ ...labels, partition: String(batch.partition) }, batch.records.length);
  partitionProgress.batchDone(engine, options.group, batch.topic, batch.partition);
}
