import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { topicNames, type EventIn } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import {
  createOwnDatabase,
  eventually,
  launchChromium,
  metricsQueriedBy,
  OpenApiValidator,
  type OpenApiDocument,
  startConsoleProcess,
  startWebhookReceiver,
  stopServiceProcess,
  SuiteProcesses,
  testEnv,
  uniqueName,
} from '@app/testing';
import type { ConsoleService } from '../src/console.config';
import { forwardingOf } from '../src/forwarding/forwarded-routes';
import { simulationOptions } from '../../../tools/simulate/simulate';
import { simulate, withIdPrefix } from '../../../tools/simulate/simulation';

const API_KEY = 'console-test-key-0123456789';
const PASSWORD = 'console-test-password';
/** Screenshots of each step and their timings: kept after the run (CI keeps .cache/test-artifacts). */
const ARTIFACTS = resolve(__dirname, '../../../.cache/test-artifacts/console');

/**
 * The console in a real browser against the running suite with demo traffic: what a fraud analyst
 * and an on-call engineer do with it, step by step, each step timed and photographed.
 */
describe('the console in Chromium, against the suite with demo traffic', () => {
  const prefix = `${uniqueName('console')}.`;
  const topics = topicNames(prefix);
  const run = uniqueName('console');
  let work: string;
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  let bus: MessageBus;
  let suite: SuiteProcesses;
  let consoleProcess: ChildProcess;
  let consoleUrl: string;
  let browser: Browser;
  let page: Page;
  let flakyAnswers = 500;
  const desk = startWebhookReceiver();
  const flaky = startWebhookReceiver((_, response) => {
    response.statusCode = flakyAnswers;
    response.end();
  });
  const steps: Array<{ step: string; ms: number }> = [];
  const answers: Array<Promise<{ method: string; path: string; status: number; body: unknown } | null>> = [];
  let demo: Promise<void> | null = null;
  let demoRunning = true;

  /** Runs one step of the walk-through, timed, and photographs the page after it. */
  async function step(name: string, work: () => Promise<void>): Promise<void> {
    const started = Date.now();
    const number = String(steps.length + 1).padStart(2, '0');
    const file = (outcome: string) => join(ARTIFACTS, `${number}-${name.replace(/[^a-z0-9]+/gi, '-')}${outcome}.png`);
    try {
      await work();
    } catch (error) {
      await page.screenshot({ path: file('-failed'), fullPage: true });
      throw error;
    }
    steps.push({ step: name, ms: Date.now() - started });
    await page.screenshot({ path: file(''), fullPage: true });
  }

  const send = (events: EventIn[]) => suite.sendUntilAccepted(events);
  const payment = (userId: string, amount: number): EventIn => ({
    eventId: `${run}-${userId}-${amount}`,
    type: 'transaction',
    userId,
    occurredAt: new Date().toISOString(),
    amount,
    currency: 'EUR',
    merchantId: 'M-console',
  });
  const admin = (path: string, init: RequestInit = {}) => suite.call('alerts', path, init);
  // Bodies are asserted field by field.
  const json = (response: Response): Promise<any> => response.json();

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    work = await mkdtemp(join(tmpdir(), 'console-'));
    database = await createOwnDatabase('console');
    bus = createBus({ url: testEnv.redisUrl, clientId: 'console-test', logger: silentBusLogger });
    await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, partitions: 2 })));
    suite = await SuiteProcesses.start(
      {
        LOG_LEVEL: 'fatal',
        BUS_URL: testEnv.redisUrl,
        BUS_TOPIC_PREFIX: prefix,
        BUS_PARTITIONS: '2',
        REDIS_URL: testEnv.redisUrl,
        DATABASE_URL: database.url,
        LAKE_DIR: join(work, 'lake'),
        LAKE_ROLL_INTERVAL_MS: '300',
        SCORING_STATE_PREFIX: run,
        WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
        // One retry a second after the first failure, then failed: a failed delivery within the test.
        WEBHOOK_RETRY_SCHEDULE: '1',
      },
      API_KEY,
    );
    ({ child: consoleProcess, url: consoleUrl } = await startConsoleProcess(suite, `analyst=${PASSWORD}`, API_KEY));
    // The fraud desk's endpoint takes every alert; the flaky one those of the big-payment rule, and fails them.
    for (const [receiver, filter] of [
      [await desk, undefined],
      [await flaky, { reasonCodes: ['BIG_PAYMENT'] }],
    ] as const) {
      const created = await admin('/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url, ...(filter ? { filter } : {}) }) });
      expect(created.status).toBe(201);
    }
    const rule = await suite.call('scoring', '/v1/rules/big-payment', {
      method: 'PUT',
      body: JSON.stringify({ when: [{ feature: 'event.amount', op: '>=', value: 9000 }], action: 'block', reasonCode: 'BIG_PAYMENT' }),
    });
    expect(rule.status).toBe(201);
    // Demo traffic all along: a simulated shop's customers, 100 events a second.
    const geo = await GeoLookup.open();
    const traffic = [...simulate(simulationOptions({ seed: '5', customers: '300', terminals: '600', days: '3' }, geo))].map(({ event }) =>
      withIdPrefix(event, `${run}-`),
    );
    demo = (async () => {
      for (let i = 0; demoRunning && i < traffic.length; i += 20) {
        await send(traffic.slice(i, i + 20));
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    // Every answer the services give the pages, to check against their published schemas afterwards.
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith('/api/') || response.request().method() === 'OPTIONS') return;
      answers.push(
        response.json().then(
          (body) => ({ method: response.request().method(), path: url.pathname.slice('/api'.length), status: response.status(), body }),
          () => null,
        ),
      );
    });
  }, 240_000);

  afterAll(async () => {
    demoRunning = false;
    await demo;
    await writeFile(join(ARTIFACTS, 'steps.json'), `${JSON.stringify(steps, null, 2)}\n`);
    await browser?.close();
    if (consoleProcess) await stopServiceProcess(consoleProcess);
    await suite?.stop();
    await Promise.all([(await desk).close(), (await flaky).close()]);
    await bus?.deleteTopics(Object.values(topics));
    await bus?.close();
    await database?.drop();
    await rm(work, { recursive: true, force: true });
  }, 120_000);

  it('signs in, follows an alert to its customer, adds a rule that fires, replays a failed delivery and reads a group’s lag', async () => {
    await step('sign in', async () => {
      await page.goto(`${consoleUrl}/alerts`);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      await page.getByLabel('Name').fill('analyst');
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'The name or the password is wrong.' }).waitFor();
      // Again with the keyboard alone: the name kept and focused, Tab to the password, Enter.
      await expect(page.getByLabel('Name').inputValue()).resolves.toBe('analyst');
      await page.keyboard.press('Tab');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Alerts' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/alerts');
    });
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'sentinel_console')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    // A login, judged by the rules alone (the model scores transactions), then two payments.
    const login: EventIn = { eventId: `${run}-login`, type: 'login', userId: `${run}-big`, occurredAt: new Date().toISOString() };
    const small = payment(`${run}-big`, 12.5); // scored, and allowed: on the customer's page, not in the alerts
    const big = payment(`${run}-big`, 9500);
    await step('see an alert arrive', async () => {
      await page.getByText(/alerts, live/).waitFor();
      // The alerts service's signal is connected: the row comes as the alert is stored, not at the next poll.
      await page.getByText('pushed as stored').waitFor();
      await send([login, small, big]);
      const row = page.locator('tr', { hasText: big.userId });
      await row.waitFor({ timeout: 30_000 });
      await expect(row.textContent()).resolves.toMatch(/block.*BIG_PAYMENT/);
    });

    await step('open its customer', async () => {
      await page.locator('tr', { hasText: big.userId }).getByRole('link', { name: big.userId }).click();
      await page.getByRole('heading', { name: 'Alerts (1)' }).waitFor();
      // Its latest scores, the allowed ones too, newest first (stored by scoring just after the alert went out).
      await eventually(
        async () => {
          await page.getByRole('button', { name: 'Show' }).click();
          await page.getByRole('heading', { name: 'Latest scores (3)' }).waitFor({ timeout: 1_000 });
        },
        { timeoutMs: 20_000 },
      );
      const scores = page.getByRole('table', { name: /Every scored event/ });
      await expect(scores.locator('tbody tr').first().textContent()).resolves.toMatch(/block.*yes.*BIG_PAYMENT/);
      await expect(scores.locator('tbody tr').nth(1).textContent()).resolves.toMatch(new RegExp(`${small.eventId}.*allow`));
      await expect(scores.locator('tbody tr').nth(2).textContent()).resolves.toMatch(new RegExp(`${login.eventId}.*login.*rules only.*allow`));
      // The alerts table's row: its reasons.
      await page
        .getByRole('table', { name: /Alerts raised/ })
        .locator('tr', { hasText: big.eventId as string })
        .filter({ hasText: 'BIG_PAYMENT' })
        .waitFor();
      // The profile is folded within a fraction of a second: asked again until it is there.
      await eventually(
        async () => {
          await page.getByRole('button', { name: 'Show' }).click();
          await page.getByText('Transactions', { exact: true }).waitFor({ timeout: 1_000 });
        },
        { timeoutMs: 20_000 },
      );
      await expect(page.locator('dl.facts').textContent()).resolves.toContain('total 9512.50');
      // Its timeline, read back from the lake.
      await eventually(
        async () => {
          await page.getByRole('button', { name: 'Show' }).click();
          await page.locator('tr', { hasText: '9500.00 EUR' }).waitFor({ timeout: 1_000 });
        },
        { timeoutMs: 20_000 },
      );
    });

    const odd = payment(`${run}-odd`, 777.77);
    let firedBefore = Number.NaN;
    await step('create a rule and see it fire', async () => {
      await page.getByRole('link', { name: 'Rules' }).click();
      await page.getByRole('button', { name: 'Edit big-payment' }).waitFor();
      await page.getByLabel('Rule id').fill('odd-amount');
      await page.getByLabel('Conditions (one per line, all must hold)').fill('event.amount_typo >= 777\nevent.amount <= 778');
      await page.getByLabel('Action').selectOption('alert');
      await page.getByLabel('Reason code').fill('ODD_AMOUNT');
      await page.getByRole('button', { name: 'Save rule' }).click();
      // The API's own validation message, as it names the problem.
      await page.locator('#status.error', { hasText: 'when.0.feature' }).waitFor();
      await page.getByLabel('Conditions (one per line, all must hold)').fill('event.amount >= 777\nevent.amount <= 778');
      // Before saving: how many of the events scored lately (the demo's) it would have fired on.
      await page.getByRole('button', { name: 'Preview' }).click();
      const previewed = page.getByText(/^Would have fired on \d+ of the last [1-9]\d* scored events/);
      firedBefore = Number(/on (\d+) of/.exec((await previewed.textContent({ timeout: 10_000 })) as string)?.[1]);
      await page.getByRole('button', { name: 'Save rule' }).click();
      await page.getByText('Rule odd-amount saved').waitFor();
      await page.getByRole('button', { name: 'Disable odd-amount' }).waitFor();
      // The audit trail names the person beside the console's key.
      await eventually(async () => {
        const { items } = await json(await admin('/v1/audit?target=rule:odd-amount'));
        expect(items.map((r: { actor: string; action: string }) => [r.action, r.actor.split(' via ')[0]])).toEqual([['rule.put', 'analyst']]);
      });

      await page.getByRole('link', { name: 'Alerts' }).click();
      await page.getByLabel('Reason code').fill('ODD_AMOUNT');
      await page.getByRole('button', { name: 'Apply' }).click();
      await send([odd]);
      await page.locator('tr', { hasText: odd.userId }).waitFor({ timeout: 30_000 });
      await expect(page.locator('tr', { hasText: odd.userId }).textContent()).resolves.toMatch(/review.*ODD_AMOUNT/);
      // The payment it fired on is among the recent events a preview reads now.
      const preview = await json(
        await suite.call('scoring', '/v1/rules/preview', {
          method: 'POST',
          body: JSON.stringify({
            when: [
              { feature: 'event.amount', op: '>=', value: 777 },
              { feature: 'event.amount', op: '<=', value: 778 },
            ],
            action: 'alert',
            reasonCode: 'ODD_AMOUNT',
          }),
        }),
      );
      expect(preview.unevaluated).toBe(0);
      expect(preview.fired).toBeGreaterThanOrEqual(firedBefore + 1);
    });

    await step('replay a failed delivery', async () => {
      const flakyUrl = (await flaky).url;
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('button', { name: `Deliveries of ${flakyUrl}` }).click();
      const delivery = page.locator('tr', { hasText: `alert_${big.eventId}` });
      // A first attempt and one retry a second later, both answered 500: failed.
      await eventually(
        async () => {
          await page.getByRole('button', { name: 'Apply' }).click();
          await expect(delivery.textContent()).resolves.toMatch(/failed.*500/);
        },
        { timeoutMs: 30_000 },
      );
      flakyAnswers = 204;
      await delivery.getByRole('button', { name: `Replay alert_${big.eventId}` }).click();
      await page.getByText('Replayed 1 delivery').waitFor();
      await eventually(
        async () => {
          await page.getByRole('button', { name: 'Apply' }).click();
          await expect(delivery.textContent()).resolves.toMatch(/delivered.*204/);
        },
        { timeoutMs: 30_000 },
      );
      expect((await flaky).received.filter((m) => m.body.includes(big.eventId as string)).length).toBe(3);
    });

    await step('see the models', async () => {
      await page.getByRole('link', { name: 'Models' }).click();
      await page.getByRole('heading', { name: 'Active' }).waitFor();
      await expect(page.locator('dl.facts').first().textContent()).resolves.toMatch(/Folderdefault/);
      await page.getByText('No shadow model is scored.').waitFor();
    });

    await step('read the lag of a group and a dead letter’s reason', async () => {
      // A shop's broken event: refused with its reason, and dead-lettered.
      const broken = { type: 'transaction', userId: `${run}-broken`, occurredAt: new Date().toISOString(), amount: -5 };
      expect((await suite.call('ingest', '/v1/events', { method: 'POST', body: JSON.stringify(broken) })).status).toBe(422);
      await page.getByRole('link', { name: 'Pipeline' }).click();
      for (const service of ['ingest', 'scoring', 'profile-api', 'alerts', 'lake'])
        await expect(
          page
            .locator('tr', { has: page.getByRole('cell', { name: service, exact: true }) })
            .first()
            .textContent(),
        ).resolves.toContain('ready');
      const scoring = page.locator(`tr[data-group="${prefix}scoring"]`);
      await scoring.first().waitFor();
      expect(await scoring.count()).toBe(2);
      const lags = await scoring.locator('td:nth-child(4)').allTextContents();
      expect(lags.every((lag) => /^\d[\d,]*$/.test(lag))).toBe(true);
      // Records per second appear from the second look (every 5 s), while the demo traffic flows.
      await page.locator(`tr[data-group="${prefix}scoring"] td:nth-child(5)`, { hasText: /^\d/ }).first().waitFor({ timeout: 15_000 });
      const reason = page.locator('tr', { hasText: 'amount: must not be negative' });
      await reason.waitFor({ timeout: 15_000 });
      await reason.getByText('show').click();
      await expect(reason.locator('pre').textContent()).resolves.toContain(`${run}-broken`);
    });

    // Beside the browser, the same session as a script would try to use it.
    const session = (await page.context().cookies()).find((c) => c.name === 'sentinel_console') as { value: string };
    const asBrowser = (path: string, init: RequestInit = {}) =>
      fetch(`${consoleUrl}${path}`, { ...init, redirect: 'manual', headers: { cookie: `sentinel_console=${session.value}`, ...init.headers } });
    const csrfToken = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    await step('refuse what the pages would not send', async () => {
      // A change without the page's CSRF token (a forged form or fetch), with the cookie it could not send anyway.
      const forged = await asBrowser('/api/rules/forged', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect([forged.status, (await json(forged)).error.code]).toEqual([403, 'CSRF_TOKEN_MISMATCH']);
      // Only the routes the pages use are forwarded, whatever the console's key could do.
      const unlisted = await asBrowser('/api/webhooks/x', { method: 'DELETE', headers: { 'x-csrf-token': csrfToken as string } });
      expect(unlisted.status).toBe(404);
      // A sign-in posted from another site's page signs no one in.
      const crossSite = await fetch(`${consoleUrl}/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
        body: `name=analyst&password=${PASSWORD}`,
      });
      expect([crossSite.status, crossSite.headers.get('set-cookie')]).toEqual([403, null]);
      // The pages never carry the services' key; every answer forbids framing and foreign scripts.
      const html = await (await asBrowser('/alerts')).text();
      expect(html).not.toContain(API_KEY);
      const headers = (await asBrowser('/alerts')).headers;
      expect(headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(headers.get('x-frame-options')).toBe('DENY');
    });

    await step('sign out', async () => {
      // A feed the session opened elsewhere (another tab): relayed while signed in, ended with the session.
      const feed = await asBrowser('/api/alerts/signals');
      expect([feed.status, feed.headers.get('content-type')]).toEqual([200, 'text/event-stream']);
      const reader = (feed.body as ReadableStream<Uint8Array>).getReader();
      const firstEvent = async (text = ''): Promise<string> =>
        text.includes('\n\n') && text.trim() ? text : firstEvent(text + new TextDecoder().decode((await reader.read()).value));
      await expect(firstEvent()).resolves.toMatch(/^event: stored$/m);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await page.goto(`${consoleUrl}/rules`);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      // The session is over on the server too, not only in this browser.
      expect((await asBrowser('/api/rules')).status).toBe(401);
      const drained = async (): Promise<boolean> => ((await reader.read()).done ? true : drained());
      await expect(drained()).resolves.toBe(true);
    });
  });

  it('exports, from some process of the running suite, every metric the Grafana dashboard queries', async () => {
    const dashboard = JSON.parse(await readFile(resolve(__dirname, '../../../infra/observability/grafana/dashboards/pipeline.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const queried = new Set(dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => metricsQueriedBy(target.expr))));
    const urls = [...(['ingest', 'scoring', 'profile-api', 'alerts', 'lake'] as const).map((service) => suite.url(service)), consoleUrl];
    const exported = new Set<string>();
    for (const url of urls) for (const [, name] of (await (await fetch(`${url}/metrics`)).text()).matchAll(/^# HELP (\S+)/gm)) exported.add(name);
    expect(queried.size).toBeGreaterThan(15);
    expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
  });
  it('answered the pages, a shop and the audit reader with bodies that fit the services’ published response schemas', async () => {
    const validators = new Map<string, OpenApiValidator>();
    const validatorOf = async (service: ConsoleService) => {
      if (!validators.has(service))
        validators.set(service, new OpenApiValidator((await json(await fetch(`${suite.url(service)}/docs-json`))) as OpenApiDocument));
      return validators.get(service) as OpenApiValidator;
    };
    const checked = new Set<string>();
    const problems: Array<{ route: string; status: number; problems: string[] }> = [];
    for (const answer of await Promise.all(answers)) {
      if (!answer || answer.status >= 300) continue;
      const forwarded = forwardingOf(answer.method, answer.path);
      if (!forwarded) continue; // the console's own (/api/pipeline)
      const validator = await validatorOf(forwarded.service);
      const template = validator.templateOf(forwarded.path.split('?')[0]);
      if (!template) continue;
      const schema = validator.responseSchema(answer.method, template, answer.status) as { type?: string } | null;
      if (!schema?.type) continue; // an example only: nothing published to hold it to
      const route = `${forwarded.service} ${answer.method} ${template}`;
      checked.add(route);
      const found = validator.problems(schema, answer.body);
      if (found.length > 0) problems.push({ route, status: answer.status, problems: found });
    }
    // Beside the pages: a shop's batch of events, and the audit trail the console's changes left.
    const direct: Array<[ConsoleService, string, string, Response]> = [
      [
        'ingest',
        'POST',
        '/v1/events',
        await suite.call('ingest', '/v1/events', {
          method: 'POST',
          body: JSON.stringify([payment(`${run}-direct`, 12), { ...payment(`${run}-direct`, 13), amount: -1 }]),
        }),
      ],
      ['alerts', 'GET', '/v1/audit', await admin('/v1/audit?limit=20')],
    ];
    for (const [service, method, template, response] of direct) {
      const validator = await validatorOf(service);
      const schema = validator.responseSchema(method, template, response.status);
      const route = `${service} ${method} ${template}`;
      if (!schema) problems.push({ route, status: response.status, problems: ['no schema published for this status'] });
      else {
        checked.add(route);
        const found = validator.problems(schema, await json(response));
        if (found.length > 0) problems.push({ route, status: response.status, problems: found });
      }
    }
    expect(problems).toEqual([]);
    expect([...checked].sort()).toEqual(
      expect.arrayContaining([
        'alerts GET /v1/alerts',
        'alerts GET /v1/audit',
        'alerts GET /v1/dead-letters',
        'ingest POST /v1/events',
        'lake GET /v1/users/{userId}/events',
        'profile-api GET /v1/profiles/{userId}',
        'scoring GET /v1/users/{userId}/scores',
        'scoring GET /v1/features',
        'scoring GET /v1/models/active',
        'alerts GET /v1/webhooks',
        'alerts GET /v1/webhooks/{id}/deliveries',
        'alerts POST /v1/webhooks/{id}/deliveries/{deliveryId}/replay',
        'scoring GET /v1/rules',
        'scoring POST /v1/rules/preview',
        'scoring PUT /v1/rules/{id}',
      ]),
    );
  });
});
