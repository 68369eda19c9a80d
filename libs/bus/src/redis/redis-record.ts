import type { BusRecord } from '../bus.port';

/** Decodes an XREADGROUP entry that holds a single record (fields k, v, and h, t when given: else no headers, and the entry id's time). */
export function fromStreamEntry(topic: string, partition: number, id: string, fields: Buffer[]): BusRecord {
  let key: string | null = null;
  let value: Buffer = Buffer.alloc(0);
  let headers: Record<string, string> = {};
  let timestamp = Number(id.slice(0, id.indexOf('-')));
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i].toString();
    const field = fields[i + 1];
    if (name === 'v') value = field;
    else if (name === 'k') key = field.length > 0 ? field.toString('utf8') : null;
    else if (name === 'h') headers = field.length > 0 ? JSON.parse(field.toString('utf8')) : {};
    else if (name === 't' && field.length > 0) timestamp = Number(field.toString());
  }
  return { topic, partition, offset: id, key, value, headers, timestamp };
}
