import type { BusRecord, MessageBus } from '@app/bus';
import { uniqueName } from './test-env';

/** Everything on a topic, read by a fresh group of the test's own: `values()` parses the JSON. */
export async function collectTopic(bus: MessageBus, topic: string, deadLetterTopic: string) {
  const records: BusRecord[] = [];
  const consumer = await bus.consume({ group: uniqueName('reader'), topics: [topic], deadLetterTopic, handler: async (b) => void records.push(...b.records) });
  // Bodies are asserted field by field.
  return { records, consumer, values: (): any[] => records.map((r) => JSON.parse(r.value.toString())) };
}
