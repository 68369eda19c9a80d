/**
 * The suite's demo fraud-team receiver: registers itself with the alerts service, verifies every
 * delivery's Standard Webhooks signature, and keeps what it got.
 *   GET  /        the latest alerts and counts (JSON)
 *   POST /hook    deliveries (answers 204, or 401 when the signature does not verify)
 * Each verified alert is appended to .cache/demo/alerts.ndjson.
 *
 *   node ... tools/demo/demo-receiver.ts --port 3009 --alerts http://127.0.0.1:3004 --api-key KEY
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Alert } from '@app/contracts';
import { secretWithScope } from '@app/platform/http/api-keys';
import { verifyStandardWebhook } from '@app/testing';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '3009' }, alerts: { type: 'string', default: 'http://127.0.0.1:3004' }, 'api-key': { type: 'string' } },
});
const apiKey = values['api-key'] ?? secretWithScope(process.env.API_KEYS, 'admin') ?? '';
const hookUrl = `http://127.0.0.1:${values.port}/hook`;
const logFile = resolve(__dirname, '../../.cache/demo/alerts.ndjson');
const latest: unknown[] = [];
const counts = { delivered: 0, rejectedSignatures: 0 };
let secret = '';

const alertsApi = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${values.alerts}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`alerts answered ${response.status} to ${method} ${path}: ${await response.text()}`);
  return response.status === 204 ? null : response.json();
};

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...counts, latest: latest.slice(-50).reverse() }, null, 2));
      return;
    }
    const message = {
      id: String(req.headers['webhook-id']),
      timestamp: Number(req.headers['webhook-timestamp']),
      signature: String(req.headers['webhook-signature']),
      body: Buffer.concat(chunks).toString('utf8'),
      at: Date.now(),
    };
    if (!secret || !verifyStandardWebhook(secret, message)) {
      counts.rejectedSignatures++;
      res.statusCode = 401;
      res.end();
      return;
    }
    counts.delivered++;
    const alert = JSON.parse(message.body) as Alert;
    latest.push(alert);
    if (latest.length > 200) latest.splice(0, latest.length - 200);
    appendFileSync(logFile, `${message.body}\n`);
    console.log(`[receiver] ${alert.eventType} of ${alert.userId} at ${alert.occurredAt}: score ${alert.score}, ${alert.reasons.map((r) => r.code).join(' ')}`);
    res.statusCode = 204;
    res.end();
  });
});

async function main(): Promise<void> {
  mkdirSync(resolve(logFile, '..'), { recursive: true });
  await new Promise<void>((r) => server.listen(Number(values.port), '127.0.0.1', r));
  // One demo endpoint: an earlier run's registration of this URL is replaced.
  const existing = (await alertsApi('GET', '/v1/webhooks')) as Array<{ id: string; url: string }>;
  for (const endpoint of existing.filter((e) => e.url === hookUrl)) await alertsApi('DELETE', `/v1/webhooks/${endpoint.id}`);
  const created = (await alertsApi('POST', '/v1/webhooks', { url: hookUrl, description: 'demo receiver (npm run suite)' })) as { id: string; secret: string };
  secret = created.secret;
  console.log(`[receiver] registered webhook ${created.id} -> ${hookUrl}; alerts seen: http://127.0.0.1:${values.port}/`);
}

process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
void main().catch((error: Error) => {
  console.error(`[receiver] ${error.message}`);
  process.exit(1);
});
