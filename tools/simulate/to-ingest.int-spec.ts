import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep } from '@app/testing';
import { toIngest } from './simulate';
import type { SimulatedEvent } from './simulation';

/** A stand-in for ingest's POST /v1/events on a port of its own: it records the event ids it took. */
function receiver(port: number, received: string[]): Promise<Server> {
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const ids = body
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { eventId: string }).eventId);
      received.push(...ids);
      response.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: ids.length }));
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const events = (count: number): SimulatedEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    event: { eventId: `sim-${i}`, type: 'page_view', userId: `C${i % 7}`, occurredAt: new Date(0).toISOString() },
  }));

describe('the simulator sending to ingest', () => {
  it('waits while ingest is out of reach and sends every event once it is back', async () => {
    const received: string[] = [];
    let server = await receiver(0, received);
    const port = (server.address() as AddressInfo).port;
    const sending = toIngest(events(1_000), `http://127.0.0.1:${port}`, 'key', 1_000, 50);
    // Down for 1.5 s a quarter of the way in (a restart), then back on the same port.
    await sleep(250);
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
    await sleep(1_500);
    server = await receiver(port, received);
    const totals = await sending;
    server.close();

    expect(totals.retries).toBeGreaterThan(0);
    expect(new Set(received).size).toBe(1_000);
    expect(totals.accepted).toBe(1_000);
  });
});
