import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { compareOffsets } from '@app/bus';
import { alertIdFor, type Alert, type EnrichedEvent, type Score } from '@app/contracts';
import { featureEventOf, MerchantState, UserState, DAY } from '@app/features';
import { APP_CONFIG } from '@app/platform';
import { ModelRegistry } from '../model/model-registry';
import { RulesRepository } from '../rules/rules.repository';
import type { ScoringConfig } from '../scoring.config';
import { UserStateCache } from '../state/user-state.cache';
import { WindowStateRepository } from '../state/window-state.repository';
import { decide, featureReasonCode, round, type Verdict } from './decide';
import { occlusionRows, topContributions } from './explain';
import { ScoringPlan } from './scoring-plan';

export interface PositionedEvent {
  offset: string;
  event: EnrichedEvent;
}

export type Publish = (scores: Score[], alerts: Alert[]) => Promise<void>;

const metrics = {
  scored: new Counter({ name: 'scoring_events_scored_total', help: 'Events scored, by decision', labelNames: ['decision'] }),
  alerts: new Counter({ name: 'scoring_alerts_raised_total', help: 'Alerts raised' }),
  late: new Counter({ name: 'scoring_late_events_total', help: 'Events older than the grace: scored, windows not updated' }),
  redelivered: new Counter({ name: 'scoring_redelivered_events_total', help: 'Events at or before the stored position: already applied, skipped' }),
};

/**
 * The scoring use case, per batch of one partition (DESIGN.md, "Scoring"):
 * 1. one Redis read: the partition's stored position, users not in memory, the batch's merchants,
 *    the rules version and the active model's name;
 * 2. features for every event, in order, from in-memory state;
 * 3. one session.run for the batch (and one more to explain flagged scores);
 * 4. rules and decisions; scores and alerts published;
 * 5. one MULTI/EXEC: the changed state fields with the partition's new position.
 * Outputs go out before state is stored: after a crash in between, the redelivered events are
 * scored again from the same stored state, to the same results, and downstream dedupes by id.
 */
@Injectable()
export class ScoreBatchService {
  private readonly cache: UserStateCache;
  /** The position this instance last stored per partition: another value in Redis means another instance worked there. */
  private readonly written = new Map<string, string>();
  private plan: ScoringPlan | null = null;
  private readonly skipTypes: Set<string>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ScoringConfig,
    private readonly state: WindowStateRepository,
    private readonly rulesRepository: RulesRepository,
    private readonly models: ModelRegistry,
  ) {
    this.cache = new UserStateCache(config.SCORING_CACHE_USERS);
    this.skipTypes = new Set(config.SCORING_SKIP_TYPES);
  }

  async scoreBatch(topic: string, partition: number, events: PositionedEvent[], publish: Publish): Promise<void> {
    if (events.length === 0) return;
    const partitionKey = `${topic}:${partition}`;
    const userIds = [...new Set(events.map((e) => e.event.userId))];
    const merchantIds = [...new Set(events.flatMap((e) => (e.event.merchantId ? [e.event.merchantId] : [])))];
    try {
      // The batch holds its users itself: the cache may evict some of them before the batch ends.
      const cached = new Map(userIds.flatMap((id) => {
        const state = this.cache.get(id);
        return state ? [[id, state] as const] : [];
      }));
      let snapshot = await this.state.read(topic, partition, userIds.filter((id) => !cached.has(id)), merchantIds);
      const written = this.written.get(partitionKey);
      if (written !== undefined && snapshot.position !== written) {
        // Another instance scored this partition since we did (a rebalance): our copies are stale.
        this.cache.dropPartition(partitionKey);
        cached.clear();
        snapshot = { ...snapshot, users: (await this.state.read(topic, partition, userIds, [])).users };
      }
      const users = new Map(userIds.map((id) => [id, cached.get(id) ?? UserState.fromFields(snapshot.users.get(id) ?? {})]));
      for (const [userId, user] of users) this.cache.set(userId, partitionKey, user);
      this.models.follow(snapshot.activeModel);
      const plan = await this.planFor(snapshot.rulesVersion);
      const merchants = new Map([...snapshot.merchants].map(([id, fields]) => [id, MerchantState.fromFields(fields)]));

      const position = snapshot.position;
      const fresh = position === null ? events : events.filter((e) => compareOffsets(e.offset, position) > 0);
      metrics.redelivered.inc(events.length - fresh.length);
      const scored = this.computeFeatures(plan, fresh, users, merchants);
      const { scores, alerts } = await this.decideAll(plan, scored);
      if (scores.length > 0 || alerts.length > 0) await publish(scores, alerts);

      if (fresh.length > 0) await this.store(topic, partition, fresh[fresh.length - 1].offset, users, merchants, fresh);
      this.written.set(partitionKey, fresh.length > 0 ? fresh[fresh.length - 1].offset : (position as string));
    } catch (error) {
      // In-memory state may hold changes that never reached Redis: reload these users next time.
      for (const userId of userIds) this.cache.delete(userId);
      this.written.delete(partitionKey);
      throw error;
    }
  }

  private async planFor(rulesVersion: string | null): Promise<ScoringPlan> {
    const { model } = this.models.current;
    if (this.plan && this.plan.model === model && this.plan.rulesVersion === rulesVersion) return this.plan;
    const { version, rules } = rulesVersion === null ? { version: null, rules: [] } : await this.rulesRepository.list();
    this.plan = new ScoringPlan(model, version, rules, this.models.featureConfig);
    return this.plan;
  }

  private computeFeatures(plan: ScoringPlan, events: PositionedEvent[], users: Map<string, UserState>, merchants: Map<string, MerchantState>) {
    const scored: Array<{ event: EnrichedEvent; values: number[]; late: boolean }> = [];
    for (const { event } of events) {
      const user = users.get(event.userId) as UserState;
      const merchant = event.merchantId ? (merchants.get(event.merchantId) ?? null) : null;
      const { values, late } = plan.engine.process(featureEventOf(event), user, merchant);
      if (late) metrics.late.inc();
      if (!this.skipTypes.has(event.type)) scored.push({ event, values, late });
    }
    return scored;
  }

  private async decideAll(plan: ScoringPlan, scored: Array<{ event: EnrichedEvent; values: number[]; late: boolean }>): Promise<{ scores: Score[]; alerts: Alert[] }> {
    const width = plan.modelWidth;
    const rows = new Float32Array(scored.length * width);
    scored.forEach((s, i) => {
      for (let f = 0; f < width; f++) rows[i * width + f] = s.values[f];
    });
    const probabilities = await plan.model.score(rows, scored.length);
    const { thresholds } = plan.model.manifest;
    const verdicts: Verdict[] = scored.map((s, i) => {
      const fired = plan.rules.flatMap((rule) => {
        const condition = rule.test(s.event.type, s.values);
        return condition ? [{ rule: rule.rule, condition, value: s.values[plan.engine.names.indexOf(condition.feature)] }] : [];
      });
      return decide(probabilities[i], thresholds, fired, s.late);
    });
    await this.explain(plan, rows, probabilities, verdicts);

    const model = { id: plan.model.id, version: plan.model.version };
    const now = new Date().toISOString();
    const scores: Score[] = [];
    const alerts: Alert[] = [];
    scored.forEach(({ event }, i) => {
      const { decision, alert, reasons } = verdicts[i];
      const score = round(probabilities[i]);
      scores.push({ eventId: event.eventId, userId: event.userId, occurredAt: event.occurredAt, model, score, decision, alert, reasons, scoredAt: now });
      metrics.scored.inc({ decision });
      if (alert) {
        alerts.push({ alertId: alertIdFor(event.eventId), eventId: event.eventId, userId: event.userId, eventType: event.type, occurredAt: event.occurredAt, score, model, reasons, raisedAt: now });
        metrics.alerts.inc();
      }
    });
    return { scores, alerts };
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

  private async store(topic: string, partition: number, lastOffset: string, users: Map<string, UserState>, merchants: Map<string, MerchantState>, fresh: PositionedEvent[]): Promise<void> {
    const latest = fresh.reduce((max, e) => Math.max(max, Date.parse(e.event.occurredAt)), 0);
    const labelDelayMs = this.models.featureConfig.labelDelayMs;
    await this.state.write({
      topic,
      partition,
      lastOffset,
      users: [...users].map(([userId, user]) => ({ userId, ...user.takeChanges() })),
      merchants: [...merchants].map(([merchantId, merchant]) => ({ merchantId, increments: merchant.takeIncrements(), expired: latest > 0 ? merchant.expiredFields(latest, labelDelayMs) : [] })),
      // Wall-clock expiry for idle keys; windows themselves expire by event time.
      userTtlMs: 31 * DAY,
      merchantTtlMs: 31 * DAY + labelDelayMs,
    });
  }
}
