import { getHeapStatistics } from 'node:v8';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { compareOffsets, positionOnThisBus } from '@app/bus';
import { alertIdFor, type Alert, type EnrichedEvent, type Score } from '@app/contracts';
import { featureEventOf, MerchantState, resolveChargeback, transactionFactsOf, UserState, DAY, type EventFate, type FeatureEvent, type TransactionFacts } from '@app/features';
import { APP_CONFIG, ROOT_LOGGER } from '@app/platform';
import { EvaluationTally, type ScoredMark } from '../evaluation/evaluation-tally';
import { ModelRegistry } from '../model/model-registry';
import { RulesRepository } from '../rules/rules.repository';
import type { ScoringConfig } from '../scoring.config';
import { cacheMemoryProblem } from '../state/cache-memory';
import { MerchantIncrementLedger, type LedgerEntry } from '../state/merchant-increment-ledger';
import { MerchantStateCache } from '../state/merchant-state.cache';
import { UserStateCache } from '../state/user-state.cache';
import { WindowStateRepository, type StateChanges, type StoredTransaction } from '../state/window-state.repository';
import { decide, featureReasonCode, round, type Verdict } from './decide';
import { occlusionRows, topContributions } from './explain';
import { ScoringPlan } from './scoring-plan';

/**
 * An event as scoring keeps it while its batch is in progress: what the features read, and the
 * occurredAt its Score echoes. The whole enriched event (geo, User-Agent, merchant details) is dropped
 * as the record is parsed: kept across the batch's waits, it outlived young-generation collections,
 * and collecting it cost ~6% of the service's throughput (A/B, six pairs).
 */
export interface PositionedEvent {
  offset: string;
  event: FeatureEvent;
  occurredAt: string;
}

export const positionedEvent = (offset: string, event: EnrichedEvent): PositionedEvent => ({ offset, event: featureEventOf(event), occurredAt: event.occurredAt });

export type Publish = (scores: Score[], alerts: Alert[]) => Promise<void>;

interface ScoredBatch {
  events: Array<{ event: FeatureEvent; occurredAt: string; fate: EventFate }>;
  /** Row i holds the features of events[i], `width` columns in the plan's feature order. */
  matrix: Float32Array;
  width: number;
  /** The batch's chargebacks that named a known transaction: labels for the evaluation. */
  labels: FeatureEvent[];
}

const metrics = {
  scored: new Counter({ name: 'scoring_events_scored_total', help: 'Events scored, by decision', labelNames: ['decision'] }),
  alerts: new Counter({ name: 'scoring_alerts_raised_total', help: 'Alerts raised' }),
  late: new Counter({ name: 'scoring_late_events_total', help: 'Events older than the grace: scored, windows not updated' }),
  duplicates: new Counter({ name: 'scoring_duplicate_events_total', help: 'Copies of events applied lately (a producer published twice): scored, windows not updated' }),
  redelivered: new Counter({ name: 'scoring_redelivered_events_total', help: 'Events at or before the stored position: already applied, skipped' }),
  shadow: new Counter({ name: 'scoring_shadow_decisions_total', help: 'Events scored by the shadow model too, by the live decision and the one the shadow would have made', labelNames: ['live', 'shadow'] }),
  chargebacks: new Counter({ name: 'scoring_chargebacks_total', help: 'Chargebacks applied, by whether the transaction they name was found (matched) or not (unmatched: counted at the claimed or their own time)', labelNames: ['outcome'] }),
  chargebackFlags: new Counter({ name: 'scoring_chargeback_flags_total', help: 'Chargebacks applied with something that disagrees with the transaction they name, or unmatched, by flag', labelNames: ['flag'] }),
  shadowFailures: new Counter({ name: 'scoring_shadow_failures_total', help: 'Batches the shadow model failed to score (their scores went out without the shadow\'s opinion)' }),
};

/** How often a user's key's TTL is set again while the user is in memory (appends keep it). */
const EXPIRY_REFRESH_MS = DAY;

type ShadowOpinion = NonNullable<Score['shadow']>;
type Fired = Parameters<typeof decide>[2];

/**
 * The scoring use case, per batch of one partition (DESIGN.md, "Scoring"):
 * 1. one Redis read: the partition's stored position, users not in memory, merchants not read
 *    lately, the rules version and the names of the active and shadow models;
 * 2. features for every event, in order, from in-memory state;
 * 3. one session.run for the batch (one more to explain flagged scores, one more for a shadow model);
 * 4. rules and decisions; scores and alerts published;
 * 5. one script call: the changed users, merchant increments and the partition's new position, atomically.
 * Outputs go out before state is stored: after a crash in between, the redelivered events are
 * scored again from the same stored state, to the same results, and downstream dedupes by id.
 */
/** The transactions a batch's chargebacks named: stored by earlier batches, or earlier in the batch. */
interface Disputed {
  stored: Map<string, StoredTransaction>;
  inBatch: Map<string, TransactionFacts>;
}

@Injectable()
export class ScoreBatchService {
  private readonly cache: UserStateCache;
  private readonly merchantCache: MerchantStateCache;
  /** Merchant increments of batches in progress, for merchants re-read meanwhile (partitions are scored concurrently). */
  private readonly ledger = new MerchantIncrementLedger();
  /** The position this instance last stored per partition: another value in Redis means another instance worked there. */
  private readonly written = new Map<string, string>();
  private plan: ScoringPlan | null = null;
  private readonly skipTypes: Set<string>;
  private readonly logger: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ScoringConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    private readonly state: WindowStateRepository,
    private readonly rulesRepository: RulesRepository,
    private readonly models: ModelRegistry,
  ) {
    this.logger = rootLogger.child({ component: 'score-batch' });
    this.cache = new UserStateCache(config.SCORING_CACHE_USERS);
    this.merchantCache = new MerchantStateCache(config.SCORING_CACHE_MERCHANTS, config.SCORING_MERCHANT_REFRESH_MS);
    this.skipTypes = new Set(config.SCORING_SKIP_TYPES);
    const memoryProblem = cacheMemoryProblem(config.SCORING_CACHE_USERS, config.SCORING_CACHE_MERCHANTS, getHeapStatistics().heap_size_limit);
    if (memoryProblem) this.logger.warn(memoryProblem);
  }

  async scoreBatch(topic: string, partition: number, events: PositionedEvent[], publish: Publish): Promise<void> {
    if (events.length === 0) return;
    const disputed = await this.resolveChargebacks(events);
    const partitionKey = `${topic}:${partition}`;
    const userIds = [...new Set(events.map((e) => e.event.userId))];
    const merchantIds = [...new Set(events.flatMap((e) => (e.event.merchantId ? [e.event.merchantId] : [])))];
    let merchantRead: number | null = null;
    let increments: LedgerEntry | null = null;
    try {
      // The batch holds its users and merchants itself: the caches may evict (or expire) some before it ends.
      const cached = found(userIds, (id) => this.cache.get(id));
      const cachedMerchants = found(merchantIds, (id) => this.merchantCache.fresh(id));
      merchantRead = this.ledger.readSent(); // the read goes out on this tick
      let snapshot = await this.state.read(topic, partition, userIds.filter((id) => !cached.has(id)), merchantIds.filter((id) => !cachedMerchants.has(id)));
      const written = this.written.get(partitionKey);
      if (written !== undefined && snapshot.position !== written) {
        // Another instance scored this partition since we did (a rebalance): our copies are stale.
        this.cache.dropPartition(partitionKey);
        cached.clear();
        snapshot = { ...snapshot, users: (await this.state.read(topic, partition, userIds, [])).users };
      }
      const users = new Map(userIds.map((id) => [id, cached.get(id) ?? UserState.decode(snapshot.users.get(id), this.models.featureConfig.graceMs)]));
      for (const [userId, user] of users) this.cache.set(userId, partitionKey, user);
      this.models.follow(snapshot.activeModel, snapshot.shadowModel);
      const plan = await this.planFor(snapshot.rulesVersion);
      // No await from here to the increments taken: batches of other partitions run between awaits.
      const merchants = this.merchantsNow(merchantIds, cachedMerchants, snapshot.merchants, merchantRead);
      this.ledger.readDone(merchantRead);

      const position = positionOnThisBus(snapshot.position, events[0].offset);
      if (position !== snapshot.position) this.logger.warn({ topic, partition, stored: snapshot.position }, 'the stored position is an offset of another bus engine (BUS_URL changed): ignored');
      const fresh = position === null ? events : events.filter((e) => compareOffsets(e.offset, position) > 0);
      metrics.redelivered.inc(events.length - fresh.length);
      const features = this.computeFeatures(plan, fresh, users, merchants);
      // Taken before the first await: other partitions' batches may run meanwhile (the bus's
      // concurrentPartitions) and add to the same merchants; each batch stores exactly its own changes.
      const changes = fresh.length > 0 ? this.changesOf(topic, partition, snapshot.position, fresh, features, users, merchants, snapshot.merchants, disputed) : null;
      if (changes) increments = this.ledger.taken(new Map(changes.merchants.map((m) => [m.merchantId, m.increments])));
      const { scores, alerts } = await this.decideAll(plan, features);
      if (changes) this.evaluate(plan, features, scores, disputed, changes);
      if (scores.length > 0 || alerts.length > 0) await publish(scores, alerts);

      if (changes) {
        this.ledger.writeSent(increments as LedgerEntry); // the write goes out on this tick
        await this.state.write(changes);
        this.ledger.settled(increments as LedgerEntry, true);
        for (const user of changes.users) if (user.expire) this.cache.expirySet(user.userId, Date.now());
      }
      this.written.set(partitionKey, fresh.length > 0 ? fresh[fresh.length - 1].offset : (position as string));
    } catch (error) {
      // In-memory state may hold changes that never reached Redis: reload these users and merchants next time.
      for (const userId of userIds) this.cache.delete(userId);
      for (const merchantId of merchantIds) this.merchantCache.delete(merchantId);
      this.written.delete(partitionKey);
      if (increments && !increments.stored) this.ledger.settled(increments, false);
      throw error;
    } finally {
      if (merchantRead !== null) this.ledger.readDone(merchantRead);
    }
  }

  /**
   * Ties each chargeback to the transaction it names (resolveChargeback): one pipeline reads those
   * not earlier in the batch itself. Before the merchants are read: a chargeback counts for its
   * transaction's merchant, which it may not name. A chargeback names a transaction of the same user,
   * so of the same partition: stored by an earlier batch, or earlier in this one. Returns what it
   * resolved against: the stored ones, with how they were scored, and the batch's own, each marked
   * with the chargeback that disputed it first (stored again with the batch: changesOf).
   */
  private async resolveChargebacks(events: PositionedEvent[]): Promise<Disputed> {
    const disputed = new Set<string>();
    for (const { event } of events) if (event.dispute) disputed.add(event.dispute.eventId);
    const inBatch = new Map<string, TransactionFacts>();
    if (disputed.size === 0) return { stored: new Map(), inBatch };
    for (const { event } of events) if (event.type === 'transaction' && disputed.has(event.eventId)) inBatch.set(event.eventId, transactionFactsOf(event));
    const horizonMs = this.models.featureConfig.disputeHorizonMs;
    const stored = await this.state.readTransactions(events.flatMap(({ event: { dispute, time } }) => (dispute && !inBatch.has(dispute.eventId) ? [{ eventId: dispute.eventId, at: time }] : [])), horizonMs);
    const seen = new Set<string>();
    for (const { event } of events) {
      if (event.type === 'transaction') seen.add(event.eventId);
      if (!event.dispute) continue;
      const id = event.dispute.eventId;
      resolveChargeback(event, stored.get(id)?.facts ?? (seen.has(id) ? inBatch.get(id) : undefined), horizonMs);
    }
    return { stored, inBatch };
  }

  /**
   * The batch's additions to the label evaluation (GET /v1/models/shadow): each transaction's live and
   * shadow scores, kept with its facts, and the transactions its chargebacks named, counted where they
   * were scored. A transaction scored before the evaluation existed has no mark and is left out.
   */
  private evaluate(plan: ScoringPlan, batch: ScoredBatch, scores: Score[], disputed: Disputed, changes: StateChanges): void {
    const tally = new EvaluationTally();
    const marks = new Map<string, ScoredMark>();
    const liveAlert = plan.model.manifest.thresholds.alert;
    const shadowAlert = plan.shadow?.manifest.thresholds.alert ?? 1;
    batch.events.forEach(({ event, fate }, i) => {
      if (event.type !== 'transaction' || fate === 'duplicate') return;
      const { score, shadow } = scores[i];
      marks.set(event.eventId, tally.scored(plan.evaluationPair, event.time, { score, alert: score >= liveAlert }, shadow ? { score: shadow.score, alert: shadow.score >= shadowAlert } : null));
    });
    for (const transaction of changes.transactions) transaction.scored = marks.get(transaction.eventId) ?? transaction.scored;
    for (const chargeback of batch.labels) {
      const id = (chargeback.dispute as NonNullable<FeatureEvent['dispute']>).eventId;
      const mark = marks.get(id) ?? disputed.stored.get(id)?.scored;
      if (mark) tally.labelled(mark, chargeback.disputedAt as number);
    }
    changes.evaluation = tally.increments();
  }

  /**
   * The batch's merchants as it computes (synchronously: nothing changes them meanwhile). Another batch
   * may have re-read one since this batch started: its copy, which every batch adds to from then on,
   * is the one to use. A merchant this batch read is installed with what other batches added that the
   * read could not include (the ledger). One that left memory meanwhile (a failed batch drops its
   * merchants) is used as held but not put back: the next batch reads it again.
   */
  private merchantsNow(ids: string[], heldAtStart: Map<string, MerchantState>, read: Map<string, Record<string, string>>, readTick: number): Map<string, MerchantState> {
    const merchants = new Map<string, MerchantState>();
    for (const id of ids) {
      const fields = read.get(id);
      if (fields !== undefined) {
        const merchant = MerchantState.fromFields(this.ledger.withMissed(readTick, id, fields));
        this.merchantCache.set(id, merchant);
        merchants.set(id, merchant);
      } else {
        merchants.set(id, this.merchantCache.fresh(id) ?? (heldAtStart.get(id) as MerchantState));
      }
    }
    return merchants;
  }

  private async planFor(rulesVersion: string | null): Promise<ScoringPlan> {
    const { model } = this.models.current;
    const shadow = this.models.shadow?.model ?? null;
    if (this.plan && this.plan.model === model && this.plan.shadow === shadow && this.plan.rulesVersion === rulesVersion) return this.plan;
    const { version, rules } = rulesVersion === null ? { version: null, rules: [] } : await this.rulesRepository.list();
    this.plan = new ScoringPlan(model, shadow, version, rules, this.models.featureConfig);
    return this.plan;
  }

  /** Applies every event to its state and writes the features of the scored ones into one matrix (width: the plan's features). */
  private computeFeatures(plan: ScoringPlan, events: PositionedEvent[], users: Map<string, UserState>, merchants: Map<string, MerchantState>): ScoredBatch {
    const width = plan.engine.names.length;
    const matrix = new Float32Array(events.length * width);
    const scored: ScoredBatch['events'] = [];
    const scratch = new Float32Array(width); // labels are applied, not scored: their row is not kept
    const labels: FeatureEvent[] = [];
    for (const { event, occurredAt } of events) {
      const user = users.get(event.userId) as UserState;
      const merchant = event.merchantId ? (merchants.get(event.merchantId) ?? null) : null;
      const keep = !this.skipTypes.has(event.type);
      const fate = plan.engine.processInto(event, user, merchant, keep ? matrix : scratch, keep ? scored.length * width : 0);
      if (fate === 'late') metrics.late.inc();
      if (fate === 'duplicate') metrics.duplicates.inc();
      if (fate === 'applied' && event.dispute) {
        this.countChargeback(event);
        if (!event.dispute.flags.includes('chargeback_unmatched') && !event.dispute.flags.includes('chargeback_repeat')) labels.push(event);
      }
      if (keep) scored.push({ event, occurredAt, fate });
    }
    return { events: scored, matrix, width, labels };
  }

  private countChargeback(event: FeatureEvent): void {
    const flags = event.dispute?.flags ?? [];
    metrics.chargebacks.inc({ outcome: flags.includes('chargeback_unmatched') ? 'unmatched' : 'matched' });
    for (const flag of flags) metrics.chargebackFlags.inc({ flag });
    if (flags.length > 0) this.logger.warn({ eventId: event.eventId, disputedEventId: event.dispute?.eventId, flags }, 'chargeback does not match the transaction it names');
  }

  private async decideAll(plan: ScoringPlan, batch: ScoredBatch): Promise<{ scores: Score[]; alerts: Alert[] }> {
    const { events: scored, matrix, width } = batch;
    const modelWidth = plan.modelWidth;
    // The model reads the first modelWidth columns; rules may read the rest.
    const rows = width === modelWidth ? matrix : new Float32Array(scored.length * modelWidth);
    if (rows !== matrix) scored.forEach((_, i) => rows.set(matrix.subarray(i * width, i * width + modelWidth), i * modelWidth));
    const probabilities = await plan.model.score(rows, scored.length);
    const { thresholds } = plan.model.manifest;
    const fired: Fired[] = scored.map((s, i) => {
      const row = matrix.subarray(i * width, (i + 1) * width);
      return plan.rules.flatMap((rule) => {
        const condition = rule.test(s.event.type, row);
        return condition ? [{ rule: rule.rule, condition, value: row[plan.engine.names.indexOf(condition.feature)] }] : [];
      });
    });
    const verdicts: Verdict[] = scored.map((s, i) => decide(probabilities[i], thresholds, fired[i], s.fate));
    await this.explain(plan, rows, probabilities, verdicts);
    const shadow = await this.shadowOpinions(plan, batch, fired);

    const model = { id: plan.model.id, version: plan.model.version };
    const now = new Date().toISOString();
    const scores: Score[] = [];
    const alerts: Alert[] = [];
    const decisions = { allow: 0, review: 0, block: 0 };
    const shadowPairs = new Map<string, number>(); // `live:shadow` → events: one labelled inc per pair and batch, not per event
    scored.forEach(({ event, occurredAt }, i) => {
      const { decision, alert, reasons } = verdicts[i];
      const score = round(probabilities[i]);
      const features = this.config.SCORING_EMIT_FEATURES ? featureRecord(plan.model.manifest.features, rows, i) : undefined;
      const out: Score = { eventId: event.eventId, userId: event.userId, occurredAt, model, score, decision, alert, reasons, scoredAt: now };
      if (features) out.features = features;
      if (shadow) {
        out.shadow = shadow[i];
        const pair = `${decision}:${shadow[i].decision}`;
        shadowPairs.set(pair, (shadowPairs.get(pair) ?? 0) + 1);
      }
      scores.push(out);
      decisions[decision]++;
      if (alert) alerts.push({ alertId: alertIdFor(event.eventId), eventId: event.eventId, userId: event.userId, eventType: event.type, occurredAt, score, model, reasons, raisedAt: now });
    });
    for (const [decision, count] of Object.entries(decisions)) if (count > 0) metrics.scored.inc({ decision }, count);
    for (const [pair, count] of shadowPairs) {
      const [live, shadowDecision] = pair.split(':');
      metrics.shadow.inc({ live, shadow: shadowDecision }, count);
    }
    metrics.alerts.inc(alerts.length);
    return { scores, alerts };
  }

  /**
   * The shadow model's score of every event, and what it would have decided under the same rules
   * (one more session.run for the batch). A shadow that fails leaves the batch's scores without
   * its opinion: it never holds up or changes live scoring.
   */
  private async shadowOpinions(plan: ScoringPlan, batch: ScoredBatch, fired: Fired[]): Promise<ShadowOpinion[] | null> {
    const shadow = plan.shadow;
    if (!shadow || batch.events.length === 0) return null;
    let probabilities: Float32Array;
    try {
      probabilities = await shadow.score(plan.shadowRows(batch.matrix, batch.events.length), batch.events.length);
    } catch (error) {
      metrics.shadowFailures.inc();
      this.logger.warn({ model: shadow.id, version: shadow.version, err: (error as Error).message }, 'the shadow model failed to score a batch; its scores go out without the shadow');
      return null;
    }
    const model = { id: shadow.id, version: shadow.version };
    return batch.events.map(({ fate }, i) => {
      const { decision, alert } = decide(probabilities[i], shadow.manifest.thresholds, fired[i], fate);
      return { model, score: round(probabilities[i]), decision, alert };
    });
  }

  /** Adds the features that pushed each non-allowed score most (one extra model call for the batch). */
  private async explain(plan: ScoringPlan, rows: Float32Array, probabilities: Float32Array, verdicts: Verdict[]): Promise<void> {
    const { baseline, features } = plan.model.manifest;
    const top = this.config.SCORING_TOP_FEATURES;
    const flagged = verdicts.flatMap((v, i) => (v.decision !== 'allow' ? [i] : []));
    if (!baseline || top === 0 || flagged.length === 0) return;
    const width = features.length;
    const occluded = await plan.model.score(occlusionRows(rows, width, flagged, baseline), flagged.length * width);
    flagged.forEach((row, k) => {
      for (const { feature, contribution } of topContributions(probabilities[row], occluded, k, width, top)) {
        verdicts[row].reasons.push({ code: featureReasonCode(features[feature]), detail: `${features[feature]} = ${round(rows[row * width + feature])} (typical ${round(baseline[feature])}), +${round(contribution)}` });
      }
    });
  }

  /**
   * What the batch changed, to store with the partition's new position: its users' new log lines or
   * snapshots, its merchant increments, its transactions (their scores' marks and the evaluation's
   * counts are added once scored: evaluate()). Keys' TTLs are set when this instance has not set them for a
   * day (users) or when the batch read the merchant (at most every SCORING_MERCHANT_REFRESH_MS), which
   * is also when a merchant's expired buckets are deleted.
   */
  private changesOf(topic: string, partition: number, readPosition: string | null, fresh: PositionedEvent[], batch: ScoredBatch, users: Map<string, UserState>, merchants: Map<string, MerchantState>, readMerchants: ReadonlyMap<string, unknown>, disputed: Disputed): StateChanges {
    const chargebacks = new Set(batch.labels.map((chargeback) => chargeback.eventId));
    const latest = fresh.reduce((max, e) => Math.max(max, e.event.time), 0);
    const labelDelayMs = this.models.featureConfig.labelDelayMs;
    const expirySetSince = Date.now() - EXPIRY_REFRESH_MS;
    return {
      topic,
      partition,
      lastOffset: fresh[fresh.length - 1].offset,
      readPosition,
      users: [...users].flatMap(([userId, user]) => {
        if (!user.changed) return [];
        const stored = user.storedForm();
        return [{ userId, ...stored, expire: !stored.append || !this.cache.expirySetSince(userId, expirySetSince) }];
      }),
      merchants: [...merchants].map(([merchantId, merchant]) => {
        const read = readMerchants.has(merchantId);
        return { merchantId, increments: merchant.takeIncrements(), expired: read && latest > 0 ? merchant.expiredFields(latest, labelDelayMs) : [], expire: read };
      }),
      transactions: [
        // A copy of a transaction applied lately would store its facts again without its score's mark.
        ...batch.events.flatMap(({ event, fate }) => (event.type === 'transaction' && fate !== 'duplicate' ? [{ eventId: event.eventId, facts: disputed.inBatch.get(event.eventId) ?? transactionFactsOf(event), scored: null }] : [])),
        // Earlier batches' transactions this batch's chargebacks disputed first: stored again, marked so.
        ...[...disputed.stored.values()].filter((t) => t.facts.disputedBy !== undefined && chargebacks.has(t.facts.disputedBy)),
      ],
      evaluation: [],
      // Wall-clock expiry for idle keys, set at least daily while they are written (so ≥ 30 days after
      // the last write); windows themselves expire by event time.
      userTtlMs: 31 * DAY,
      merchantTtlMs: 31 * DAY + labelDelayMs,
      // Wall-clock expiry past the event-time horizon resolveChargeback applies: a replay of recent weeks finds them still.
      transactionTtlMs: this.models.featureConfig.disputeHorizonMs + DAY,
    };
  }
}

function featureRecord(names: readonly string[], rows: Float32Array, row: number): Record<string, number | null> {
  return Object.fromEntries(names.map((name, f) => [name, Number.isNaN(rows[row * names.length + f]) ? null : rows[row * names.length + f]]));
}

/** What `lookup` holds of `ids`. */
function found<T>(ids: string[], lookup: (id: string) => T | undefined): Map<string, T> {
  const out = new Map<string, T>();
  for (const id of ids) {
    const value = lookup(id);
    if (value !== undefined) out.set(id, value);
  }
  return out;
}
