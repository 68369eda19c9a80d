import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  signature: string;
  body: string;
  at: number;
}

/**
 * Verifies a delivery the way a receiver does, written from the Standard Webhooks specification's text
 * (not from our signer): any `v1,` signature of the header must match HMAC-SHA256 over `id.timestamp.body`
 * with the base64 key after `whsec_`, and the timestamp must be within 5 minutes.
 */
export function verifyStandardWebhook(secret: string, message: ReceivedWebhook, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  if (Math.abs(nowSeconds - message.timestamp) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = Buffer.from(createHmac('sha256', key).update(`${message.id}.${message.timestamp}.${message.body}`).digest('base64'));
  return message.signature.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    const given = Buffer.from(value ?? '');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** A webhook receiver on 127.0.0.1 that records what it gets and answers as `respond` says. */
export async function startWebhookReceiver(
  respond: (message: ReceivedWebhook, response: ServerResponse) => void | Promise<void> = (_, res) => void res.end('ok'),
) {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const message = {
        id: String(req.headers['webhook-id']),
        timestamp: Number(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      received.push(message);
      void respond(message, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close,
    /** Down (connections refused) until `up`, on the same port: a receiver's outage. */
    down: close,
    up: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
  };
}
