/**
 * `npm run bench:alerts`: webhook delivery by the alerts service to a healthy local receiver, on Redis Streams.
 * 1. Throughput: a backlog of alerts on a topic of the run's own, delivered as fast as the service can;
 *    deliveries/s between the first and the last received.
 * 2. Latency: alerts published at a steady rate; time from publishing an alert to the receiver getting
 *    it, signed; and from the alert being consumed (its intake transaction beginning) to the receiver.
 * Writes bench/results/alerts.json and .md.
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createBus, silentBusLogger } from '@app/bus';
import { alertIdFor, topicNames, type Alert } from '@app/contracts';
import { createOwnDatabase, startWebhookReceiver, verifyStandardWebhook } from '@app/testing';
import { startServiceProcess, stopServiceProcess } from '@app/testing';
import { benchArg as arg, benchCommand, benchMachine, writeBenchReport } from './bench-report';
import { percentiles } from './percentiles';

const BACKLOG = Number(arg('backlog', '20000'));
const RATE = Number(arg('rate', '500'));
const SECONDS = Number(arg('seconds', '10'));
const BUS_URL = 'redis://127.0.0.1:6379/14';
const API_KEY = 'bench-key-123456';
const PORT = 3951;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const prefix = `bench-alerts-${Date.now().toString(36)}.`;
  const topics = topicNames(prefix);
  const database = await createOwnDatabase('bench_alerts');
  const bus = createBus({ url: BUS_URL, clientId: 'alerts-bench', logger: silentBusLogger });
  await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, partitions: 4 })));
  const sentAt = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  const receiver = await startWebhookReceiver((message, res) => {
    res.end('ok');
    const { alertId } = JSON.parse(message.body) as Alert;
    if (!receivedAt.has(alertId)) receivedAt.set(alertId, performance.now());
  });
  const child = await startServiceProcess('alerts', PORT, {
    API_KEYS: API_KEY,
    BUS_URL,
    BUS_TOPIC_PREFIX: prefix,
    BUS_PARTITIONS: '4',
    DATABASE_URL: database.url,
    WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
  });
  let n = 0;
  const alert = (): Alert => {
    const eventId = `${prefix}e${n++}`;
    return {
      alertId: alertIdFor(eventId),
      eventId,
      userId: `u${n % 5000}`,
      eventType: 'transaction',
      occurredAt: new Date().toISOString(),
      score: 0.93,
      model: { id: 'default', version: '1' },
      reasons: [{ code: 'velocity', detail: '9 transactions in 10 min' }],
      raisedAt: new Date().toISOString(),
    };
  };
  try {
    const endpoint = (await (
      await fetch(`http://127.0.0.1:${PORT}/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url, maxInFlight: 32 }),
      })
    ).json()) as { secret: string };

    // 1. Throughput from a backlog.
    const backlog = Array.from({ length: BACKLOG }, alert);
    for (let i = 0; i < backlog.length; i += 2_000)
      await bus.publish(
        topics.alerts,
        backlog.slice(i, i + 2_000).map((a) => ({ key: a.userId, value: JSON.stringify(a) })),
      );
    while (backlog.some((a) => !receivedAt.has(a.alertId))) await sleep(100);
    const times = backlog.map((a) => receivedAt.get(a.alertId)!);
    const throughput = Math.round(BACKLOG / ((Math.max(...times) - Math.min(...times)) / 1000));
    process.stderr.write(`throughput: ${throughput} deliveries/s\n`);

    // 2. Latency at a steady rate.
    const started = performance.now();
    const paced: Alert[] = [];
    for (let tick = 0; performance.now() - started < SECONDS * 1000; tick++) {
      const due = started + (tick * 1000) / (RATE / 10);
      if (due > performance.now()) await sleep(due - performance.now());
      const batch = Array.from({ length: 10 }, alert);
      const at = performance.now();
      for (const a of batch) sentAt.set(a.alertId, at);
      paced.push(...batch);
      await bus.publish(
        topics.alerts,
        batch.map((a) => ({ key: a.userId, value: JSON.stringify(a) })),
      );
    }
    while (paced.some((a) => !receivedAt.has(a.alertId))) await sleep(50);
    const latency = percentiles(
      paced.map((a) => receivedAt.get(a.alertId)! - sentAt.get(a.alertId)!),
      [50, 99],
    );
    // "Consumed": the alert's received_at, the start of the intake transaction right after the bus handed it over (same clock).
    const consumedAt = await storedAt(database.url);
    const wallOffset = Date.now() - performance.now();
    const fromConsumed = percentiles(
      paced.map((a) => receivedAt.get(a.alertId)! + wallOffset - consumedAt.get(a.alertId)!),
      [50, 99],
    );
    const verified = receiver.received.slice(0, 100).every((m) => verifyStandardWebhook(endpoint.secret, m));
    const duplicates = receiver.received.length - new Set(receiver.received.map((m) => m.id)).size;
    process.stderr.write(`latency p99 ${latency.p99.toFixed(1)} ms\n`);

    const report = {
      benchmark: 'alerts',
      at: new Date().toISOString(),
      command: benchCommand('bench:alerts'),
      machine: benchMachine(),
      settings: { backlog: BACKLOG, rate: RATE, seconds: SECONDS, maxInFlight: 32 },
      throughputDeliveriesPerSecond: throughput,
      latencyMs: { p50: Number(latency.p50.toFixed(2)), p99: Number(latency.p99.toFixed(2)) },
      consumedToReceivedMs: { p50: Number(fromConsumed.p50.toFixed(2)), p99: Number(fromConsumed.p99.toFixed(2)) },
      signaturesVerified: verified,
      duplicateDeliveries: duplicates,
    };
    const md = [
      `# Alerts benchmark (${report.at})`,
      '',
      `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), Node ${report.machine.node}; the alerts service, Redis Streams, Postgres and a local receiver on the same machine. One endpoint, maxInFlight 32.`,
      '',
      '| measure | value |',
      '|---|---:|',
      `| deliveries/s, backlog of ${BACKLOG} alerts | ${throughput} |`,
      `| alert published → webhook received, p50 ms (at ${RATE} alerts/s for ${SECONDS} s) | ${report.latencyMs.p50} |`,
      `| alert published → webhook received, p99 ms | ${report.latencyMs.p99} |`,
      `| alert consumed (intake transaction begins) → webhook received, p50 ms | ${report.consumedToReceivedMs.p50} |`,
      `| alert consumed → webhook received, p99 ms | ${report.consumedToReceivedMs.p99} |`,
      `| signatures verified (first 100, spec verifier) | ${verified} |`,
      `| deliveries received more than once | ${duplicates} |`,
      '',
    ].join('\n');
    writeBenchReport('alerts', report, md);
  } finally {
    await stopServiceProcess(child);
    await receiver.close();
    await bus.deleteTopics(Object.values(topics));
    await bus.close();
    await database.drop();
  }
}

/** When each alert's intake transaction began (alerts.received_at), in ms since the epoch. */
async function storedAt(databaseUrl: string): Promise<Map<string, number>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ alert_id: string; at: string }>('SELECT alert_id, extract(epoch FROM received_at) * 1000 AS at FROM alerts');
    return new Map(rows.map((r) => [r.alert_id, Number(r.at)]));
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
