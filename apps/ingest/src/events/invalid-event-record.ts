import { toDeadLetterRecord } from '@app/bus';
import { MalformedLine } from './request-body.parser';

/** A rejected HTTP event on events.invalid: the dead-letter envelope, its origin the request and index. */
export function invalidEventRecord(requestId: string, index: number, item: unknown, reasons: string[]) {
  const text = item instanceof MalformedLine ? item.text : (JSON.stringify(item) ?? 'undefined');
  const userId = item && typeof item === 'object' && typeof (item as { userId?: unknown }).userId === 'string' ? (item as { userId: string }).userId : null;
  return toDeadLetterRecord(
    {
      record: { topic: 'http', partition: -1, offset: `${requestId}#${index}`, key: userId, value: Buffer.from(text), headers: {}, timestamp: Date.now() },
      reason: reasons.join('; '),
    },
    'ingest',
  );
}
