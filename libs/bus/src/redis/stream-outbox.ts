import type { OutgoingRecord, StreamOutbox, TopicRecords } from '../bus.port';
import { busMetrics } from '../bus.metrics';
import { OUTBOX_LUA } from './append.lua';
import type { FramePart } from './framed-script';
import { packFrames } from './packed-records';

/** What the outbox needs of its bus: where a record goes, what a stream keeps, how many records an entry holds. */
export interface OutboxRouting {
  partitionCount(topic: string): Promise<number>;
  streamOf(topic: string, record: OutgoingRecord, partitions: number): string;
  /** The oldest entry time a topic's streams keep (its retention), as a stream id's milliseconds. */
  keepFrom(topic: string): number;
  recordsPerEntry: number;
}

/**
 * Redis Streams' outbox (StreamOutbox): a plan is the streams a call's records go to, each with its
 * retention and its records packed into entries as the bus's own publish packs them. No producer sequence:
 * the caller's script refuses a second run itself, and its plan is sent on the caller's connection, whose
 * order the bus's sequences do not see.
 */
export class RedisStreamOutbox implements StreamOutbox {
  readonly lua = OUTBOX_LUA;

  constructor(private readonly routing: OutboxRouting) {}

  async plan(outputs: TopicRecords[]): Promise<{ keys: string[]; args: Array<string | Buffer | FramePart> }> {
    const streams = new Map<string, { records: OutgoingRecord[]; keepFrom: number }>();
    for (const { topic, records } of outputs) {
      if (records.length === 0) continue;
      const keepFrom = this.routing.keepFrom(topic);
      const partitions = await this.routing.partitionCount(topic);
      for (const record of records) {
        const stream = this.routing.streamOf(topic, record, partitions);
        let entry = streams.get(stream);
        if (!entry) streams.set(stream, (entry = { records: [], keepFrom }));
        entry.records.push(record);
      }
    }
    const keys: string[] = [];
    const args: Array<string | Buffer | FramePart> = [String(streams.size)];
    for (const [stream, { records, keepFrom }] of streams) {
      const frames = packFrames(records, this.routing.recordsPerEntry);
      keys.push(stream);
      args.push(`${keepFrom}-0`, String(frames.length), ...frames);
    }
    return { keys, args };
  }

  published(outputs: TopicRecords[]): void {
    for (const { topic, records } of outputs) if (records.length > 0) busMetrics.published.inc({ engine: 'redis', topic }, records.length);
  }
}
