/**
 * The suite's demo checkout: every few seconds it asks ingest to decide on a payment of one of the
 * simulated customers the demo stream is sending (`POST /v1/decisions`), as a shop would before
 * approving it, and prints the answer: one line per decision.
 *
 *   node ... tools/demo/demo-decisions.ts --ingest http://127.0.0.1:3001 --every-ms 3000 --api-key KEY
 */
import { parseArgs } from 'node:util';
import type { Decision } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { secretWithScope } from '@app/platform/http/api-keys';
import { simulationOptions } from '../simulate/simulate';
import { simulate } from '../simulate/simulation';

const { values } = parseArgs({
  options: { ingest: { type: 'string', default: 'http://127.0.0.1:3001' }, 'every-ms': { type: 'string', default: '3000' }, 'api-key': { type: 'string' } },
});
const apiKey = values['api-key'] ?? secretWithScope(process.env.API_KEYS, 'decide') ?? '';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  // The demo stream's customers and shops (the simulator's default world), paying now.
  const payments = simulate(simulationOptions({}, await GeoLookup.open()));
  for (let n = 1; ; n++) {
    await sleep(Number(values['every-ms']));
    let next = payments.next();
    while (!next.done && next.value.event.type !== 'transaction') next = payments.next();
    if (next.done) return;
    const event = { ...next.value.event, eventId: `demo-pay-${Date.now().toString(36)}-${n}`, occurredAt: new Date().toISOString() };
    const asked = performance.now();
    const response = await fetch(`${values.ingest}/v1/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event }),
    }).catch((error: Error) => error);
    const ms = (performance.now() - asked).toFixed(1);
    if (response instanceof Error || response.status !== 200) {
      console.log(
        `${event.eventId} ${event.userId} ${event.amount} ${event.currency}: ${response instanceof Error ? response.message : `${response.status} ${await response.text()}`}`,
      );
      continue;
    }
    const decision = (await response.json()) as Decision;
    const why = decision.reasons.map((r) => r.code).join(', ') || 'no reason codes';
    console.log(
      `${event.eventId} ${event.userId} ${event.amount} ${event.currency} at ${event.merchantId ?? 'the shop'}: ${decision.decision}${decision.degraded ? ` (degraded: ${decision.degradedReason})` : ` (score ${decision.score})`}, ${why}, ${ms} ms`,
    );
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
