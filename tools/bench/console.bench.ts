/**
 * `npm run bench:console`: the console's two figures, against the whole suite (the built services and
 * the console as processes, Redis Streams), in Debian's Chromium:
 * 1. First page load: sign in, then open the Alerts page --loads times in a fresh browser context;
 *    bytes over the wire (the page and what it loads) and time to the load event.
 * 2. The alert feed's delay: the Alerts page open and live; --alerts payments that a rule alerts on,
 *    --rate a second, while the simulator's traffic flows beside them at --stream-rate events/s. Per
 *    alert, from the fraud team's receiver getting its webhook to the row appearing in the page.
 * Writes bench/results/console.json and .md.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus, silentBusLogger } from '@app/bus';
import { topicNames, type EventIn } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import {
  createOwnDatabase,
  launchChromium,
  sleep,
  startConsoleProcess,
  startWebhookReceiver,
  stopServiceProcess,
  SuiteProcesses,
  testEnv,
  uniqueName,
} from '@app/testing';
import { simulationOptions } from '../simulate/simulate';
import { simulate, withIdPrefix } from '../simulate/simulation';
import { benchArg as arg, benchCommand, benchMachine, writeBenchReport } from './bench-report';
import { median, percentiles } from './percentiles';

const ALERTS = Number(arg('alerts', '200'));
const RATE = Number(arg('rate', '5'));
const STREAM_RATE = Number(arg('stream-rate', '200'));
const LOADS = Number(arg('loads', '5'));
const API_KEY = 'bench-console-key-0123456789abcdef';
const PASSWORD = 'bench-console-password';
/** Run in the page (this program has no DOM types): bytes over the wire and ms to the load event. */
const LOAD_FIGURES = `(() => {
  const navigation = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  return { bytes: navigation.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0), ms: navigation.loadEventEnd - navigation.startTime };
})()`;
/** Run in the page: reports each alert row as it is added (rowAppeared, exposed by the benchmark). */
const WATCH_ROWS = `new MutationObserver((mutations) => {
  for (const m of mutations)
    for (const node of m.addedNodes)
      if (node instanceof HTMLElement)
        for (const row of node.matches('tr[data-alert-id]') ? [node] : node.querySelectorAll('tr[data-alert-id]')) window.rowAppeared(row.getAttribute('data-alert-id'));
}).observe(document.getElementById('page'), { childList: true, subtree: true })`;

async function main(): Promise<void> {
  const prefix = `${uniqueName('bench-console')}.`;
  const run = uniqueName('bc');
  const work = await mkdtemp(join(tmpdir(), 'bench-console-'));
  const database = await createOwnDatabase('bench_console');
  const bus = createBus({ url: testEnv.redisUrl, clientId: 'bench-console', logger: silentBusLogger });
  await bus.ensureTopics(Object.values(topicNames(prefix)).map((topic) => ({ topic, partitions: 4 })));
  const receiver = await startWebhookReceiver();
  const suite = await SuiteProcesses.start(
    {
      LOG_LEVEL: 'warn',
      BUS_URL: testEnv.redisUrl,
      BUS_TOPIC_PREFIX: prefix,
      BUS_PARTITIONS: '4',
      REDIS_URL: testEnv.redisUrl,
      DATABASE_URL: database.url,
      LAKE_DIR: join(work, 'lake'),
      SCORING_STATE_PREFIX: run,
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
    },
    API_KEY,
  );
  let consoleProcess: ChildProcess | null = null;
  const browser = await launchChromium();
  let streaming = true;
  try {
    const started = await startConsoleProcess(suite, `bench=${PASSWORD}`, API_KEY);
    consoleProcess = started.child;
    const consoleUrl = started.url;
    await suite.call('alerts', '/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url, filter: { reasonCodes: ['BENCH_PAYMENT'] } }) });
    await suite.call('scoring', '/v1/rules/bench-payment', {
      method: 'PUT',
      body: JSON.stringify({ when: [{ feature: 'event.amount', op: '==', value: 4242 }], action: 'alert', reasonCode: 'BENCH_PAYMENT' }),
    });

    // 1. First page load, each in a fresh context (nothing cached).
    const loads: Array<{ bytes: number; ms: number }> = [];
    for (let i = 0; i < LOADS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${consoleUrl}/sign-in`);
      await page.getByLabel('Name').fill('bench');
      await page.getByLabel('Password').fill(PASSWORD);
      await Promise.all([page.waitForURL(/\/alerts$/), page.getByRole('button', { name: 'Sign in' }).click()]);
      await page.getByText(/alerts, live/).waitFor();
      const figures = (await page.evaluate(LOAD_FIGURES)) as { bytes: number; ms: number };
      loads.push(figures);
      await context.close();
    }

    // 2. The feed's delay, with the simulator's traffic beside it.
    const geo = await GeoLookup.open();
    const traffic = [...simulate(simulationOptions({ seed: '9', customers: '2000', terminals: '4000', days: '10' }, geo))].map(({ event }) =>
      withIdPrefix(event, `${run}-`),
    );
    const stream = (async () => {
      const perTick = Math.max(1, Math.round(STREAM_RATE / 10));
      for (let i = 0; streaming && i < traffic.length; i += perTick) {
        await suite.sendUntilAccepted(traffic.slice(i, i + perTick));
        await sleep(100);
      }
    })();
    const context = await browser.newContext();
    const page = await context.newPage();
    const appeared = new Map<string, number>();
    await page.exposeFunction('rowAppeared', (alertId: string) => appeared.set(alertId, Date.now()));
    await page.goto(`${consoleUrl}/sign-in`);
    await page.getByLabel('Name').fill('bench');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Reason code').fill('BENCH_PAYMENT');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(/alerts, live/).waitFor();
    await page.evaluate(WATCH_ROWS);
    const payments: EventIn[] = Array.from({ length: ALERTS }, (_, i) => ({
      eventId: `${run}-pay-${i}`,
      type: 'transaction',
      userId: `${run}-buyer-${i % 50}`,
      occurredAt: new Date().toISOString(),
      amount: 4242,
      currency: 'EUR',
    }));
    for (const payment of payments) {
      await suite.sendUntilAccepted([{ ...payment, occurredAt: new Date().toISOString() }]);
      await sleep(1000 / RATE);
    }
    const deadline = Date.now() + 60_000;
    while (appeared.size < ALERTS && Date.now() < deadline) await sleep(200);
    streaming = false;
    await stream;
    const delivered = new Map(receiver.received.map((m) => [(JSON.parse(m.body) as { alertId: string }).alertId, m.at]));
    const delays = payments.flatMap(({ eventId }) => {
      const alertId = `alert_${eventId}`;
      const at = appeared.get(alertId);
      const sent = delivered.get(alertId);
      return at !== undefined && sent !== undefined ? [at - sent] : [];
    });
    const { p50, p99 } = percentiles(delays, [50, 99]);
    const feed = { alerts: ALERTS, delivered: delivered.size, shown: appeared.size, p50, p99, max: Math.max(...delays) };
    const firstLoad = { bytes: median(loads.map((l) => l.bytes)), ms: median(loads.map((l) => l.ms)), loads };
    const report = {
      command: benchCommand('bench:console'),
      machine: benchMachine(),
      at: new Date().toISOString(),
      settings: { alerts: ALERTS, rate: RATE, streamRate: STREAM_RATE, pollMs: 2000 },
      firstLoad,
      feed,
    };
    writeBenchReport(
      'console',
      report,
      `# Console benchmark

\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.at}. The suite's five processes and the console (Redis Streams), Debian's Chromium on the same machine.

| figure | value |
|---|---:|
| first page load (sign-in → Alerts), bytes over the wire, median of ${LOADS} | ${firstLoad.bytes.toLocaleString('en')} |
| first page load, ms to the load event, median of ${LOADS} | ${firstLoad.ms.toFixed(0)} |
| alert feed: alerts sent / delivered / shown | ${ALERTS} / ${feed.delivered} / ${feed.shown} |
| alert feed: webhook delivered → row shown, p50 ms | ${feed.p50} |
| alert feed: p99 ms | ${feed.p99} |
| alert feed: max ms | ${feed.max} |

${ALERTS} payments a rule alerts on, ${RATE} a second, beside the simulator's traffic at ${STREAM_RATE} events/s; the page asks for alerts received after the newest it shows as the alerts service signals it stored some (server-sent events, at most every 250 ms).
`,
    );
  } finally {
    streaming = false;
    await browser.close();
    if (consoleProcess) await stopServiceProcess(consoleProcess);
    await suite.stop();
    await receiver.close();
    await bus.deleteTopics(Object.values(topicNames(prefix)));
    await bus.close();
    await database.drop();
    await rm(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
