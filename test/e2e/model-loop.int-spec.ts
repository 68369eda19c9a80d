import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { topicNames, type EventIn, type Score } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { collectTopic, createOwnDatabase, eventually, readLake, runTool, SuiteProcesses, testEnv, uniqueName } from '@app/testing';
import { simulationOptions } from '../../tools/simulate/simulate';
import { simulate, withIdPrefix } from '../../tools/simulate/simulation';

const DAY = 86_400_000;
type Sent = EventIn & { eventId: string };
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The label loop as a fraud team runs it, on the suite's own processes: traffic is scored and lands
 * in the lake with its late chargebacks (by id only, 7 days after the fraud); a model is trained on
 * that lake and backtested against the live one; it is scored in the shadow while more traffic and
 * chargebacks arrive, and both models' figures on the labelled days are read back; then it is
 * promoted with one call, and every event was scored once, by the model serving at the time.
 */
describe('the label loop: scores, chargebacks, retraining, backtest, shadow, promotion', () => {
  const prefix = `${uniqueName('loop')}.`;
  const topics = topicNames(prefix);
  const run = uniqueName('loop');
  let work: string;
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  let bus: MessageBus;
  let suite: SuiteProcesses;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'loop-'));
    await cp(resolve(__dirname, '../../models/default'), join(work, 'models', 'default'), { recursive: true });
    database = await createOwnDatabase('loop');
    bus = createBus({ url: testEnv.redisUrl, clientId: 'loop-test', logger: silentBusLogger });
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
        MODELS_DIR: join(work, 'models'),
        SCORING_STATE_PREFIX: run,
        WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
      },
      'loop-test-key-1234',
    );
  }, 240_000);

  afterAll(async () => {
    await suite?.stop();
    await bus?.deleteTopics(Object.values(topics));
    await bus?.close();
    await database?.drop();
    await rm(work, { recursive: true, force: true });
  }, 120_000);

  it('trains on the lake, shadows the new model, compares both on labelled days, and promotes it without losing an event', async () => {
    const geo = await GeoLookup.open();
    const options = simulationOptions({ seed: '3', customers: '400', terminals: '800', days: '48', 'chargeback-delay': '7d', 'chargeback-fields': 'id' }, geo);
    const start = options.start.getTime();
    const events = [...simulate(options)].map(({ event }) => withIdPrefix(event, `${run}-`) as Sent);
    const dayOf = (e: Sent) => Math.floor((Date.parse(e.occurredAt) - start) / DAY);
    const days = (from: number, to: number) => events.filter((e) => dayOf(e) >= from && dayOf(e) <= to);
    const scores = await collectTopic(bus, topics.scores, topics.invalid);
    const scored = (sent: Sent[]) => sent.filter((e) => e.type !== 'chargeback');
    const send = async (sent: Sent[]) => {
      for (let i = 0; i < sent.length; i += 500) await suite.sendUntilAccepted(sent.slice(i, i + 500));
    };
    const allScored = (sent: Sent[]) =>
      eventually(() => expect(new Set(scores.values().map((s: Score) => s.eventId)).size).toBe(scored(sent).length), { timeoutMs: 240_000 });

    // 1. Thirty days of traffic, scored by the shipped model, land in the lake.
    const first = days(0, 29);
    await send(first);
    await allScored(first);
    const lake = join(work, 'lake');
    // The lake's sink runs at a lower CPU priority: beside a busy test worker it takes its time.
    await eventually(async () => expect(Number((await readLake(lake, 'count(*) as n'))[0].n)).toBe(first.length), { timeoutMs: 240_000 });

    // 2. A model trained on the lake, and backtested against the live one on its test days.
    const candidate = join(work, 'models', 'candidate');
    await runTool('tools/train/train.ts', [
      '--lake',
      lake,
      '--out',
      candidate,
      '--rounds',
      '40',
      '--train-from',
      '7',
      '--train-days',
      '12',
      '--gap-days',
      '0',
      '--test-from',
      '19',
      '--test-days',
      '4',
    ]);
    const manifest = JSON.parse(await readFile(join(candidate, 'manifest.json'), 'utf8'));
    const printed = await runTool('tools/backtest/backtest.ts', [
      '--lake',
      lake,
      '--candidate',
      candidate,
      '--live',
      join(work, 'models', 'default'),
      '--test-from',
      '19',
      '--test-days',
      '4',
      '--out',
      join(work, 'backtest'),
    ]);
    const backtest = JSON.parse(await readFile(join(work, 'backtest', 'backtest.json'), 'utf8'));
    const live = JSON.parse(await readFile(join(work, 'models', 'default', 'manifest.json'), 'utf8')).version;
    expect(backtest.models.map((m: { role: string; version: string }) => [m.role, m.version])).toEqual([
      ['live', live],
      ['candidate', manifest.version],
    ]);
    expect(backtest.frauds).toBeGreaterThan(0);
    for (const m of backtest.models) expect(m.aucRoc).toBeGreaterThan(0.5);
    // The candidate's test figures are the training report's own: the same days, features and labels.
    expect(backtest.models[1].aucRoc).toBeCloseTo(manifest.training.quality.aucRoc, 3);
    expect(printed).toMatch(/\| AUC ROC \| 0\.\d+ \| 0\.\d+ \|/);

    // 3. In the shadow for fifteen more days of traffic, with the chargebacks of their first week.
    const shadowed = await suite.call('scoring', '/v1/models/shadow', { method: 'PUT', body: JSON.stringify({ name: 'candidate' }) });
    expect(shadowed.status).toBe(200);
    const second = days(30, 44);
    await send(second);
    await allScored([...first, ...second]);
    // Labelled days: the newest scored is 44; with labels 7 days late, 30-36 are final.
    const labelled = second.filter((e) => e.type === 'transaction' && dayOf(e) <= 36);
    const named = new Set(second.flatMap((e) => (e.type === 'chargeback' ? [e.properties?.originalEventId] : [])));
    const frauds = labelled.filter((e) => named.has(e.eventId)).length;
    expect(frauds).toBeGreaterThan(5);
    const report = (await (await suite.call('scoring', '/v1/models/shadow')).json()) as {
      evaluation: Record<string, { aucRoc: number; averagePrecision: number }>;
    };
    expect(report).toMatchObject({
      name: 'candidate',
      version: manifest.version,
      evaluation: {
        window: { from: isoDay(start + 30 * DAY), to: isoDay(start + 36 * DAY), days: 7, labelDelayDays: 7 },
        live: { transactions: labelled.length, frauds },
        shadow: { id: manifest.id, version: manifest.version, transactions: labelled.length, frauds },
      },
    });
    for (const role of ['live', 'shadow']) {
      expect(report.evaluation[role].aucRoc).toBeGreaterThan(0.5);
      expect(report.evaluation[role].averagePrecision).toBeGreaterThan(0);
    }
    const metrics = await (await suite.call('scoring', '/metrics')).text();
    expect(metrics).toMatch(
      new RegExp(`scoring_model_evaluation\\{role="shadow",model="${manifest.id}@${manifest.version}",measure="frauds",service="scoring"\\} ${frauds}`),
    );

    // 4. Promoted with one call: the next events are scored by it alone, and none is lost.
    const promoted = await suite.call('scoring', '/v1/models/shadow/promote', { method: 'POST' });
    expect(await promoted.json()).toMatchObject({ name: 'candidate', version: manifest.version });
    expect((await suite.call('scoring', '/v1/models/shadow')).status).toBe(404);
    const third = days(45, 47);
    await send(third);
    await allScored(events);
    const byEvent = new Map(scores.values().map((s: Score) => [s.eventId, s]));
    // Both models were trained on transactions, and score those alone (docs/scoring.md, "Models").
    const models = (sent: Sent[], type: 'transaction' | 'other') =>
      new Set(
        scored(sent)
          .filter((e) => (e.type === 'transaction') === (type === 'transaction'))
          .map((e) => {
            const score = byEvent.get(e.eventId);
            return `${score?.model.version}/${score?.shadow?.model.version ?? '-'}/${score?.modelScored ?? true}`;
          }),
      );
    expect(models(first, 'transaction')).toEqual(new Set([`${live}/-/true`]));
    expect(models(second, 'transaction')).toEqual(new Set([`${live}/${manifest.version}/true`]));
    expect(models(third, 'transaction')).toEqual(new Set([`${manifest.version}/-/true`]));
    expect(models([...first, ...second], 'other')).toEqual(new Set([`${live}/-/false`]));
    expect(models(third, 'other')).toEqual(new Set([`${manifest.version}/-/false`]));
    await scores.consumer.stop();
  }, 1_200_000);
});
