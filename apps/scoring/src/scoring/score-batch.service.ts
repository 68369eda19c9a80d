import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { TopicRecords } from '@app/bus';
import type { Alert, Score } from '@app/contracts';
import { APP_CONFIG, ROOT_LOGGER } from '@app/platform';
import { evaluateBatch } from '../evaluation/evaluate-batch';
import { ModelRegistry } from '../model/model-registry';
import { RecentScoredRows } from '../rules/recent-rows';
import { RulesRepository } from '../rules/rules.repository';
import { addRecentScores } from '../scores/recent-scores';
import type { ScoringConfig } from '../scoring.config';
import { BatchStateStore, type PartitionEvents } from './batch-state';
import { ScorePipeline } from './score-pipeline';
import { ScoringPlan } from './scoring-plan';

/** The records a call's scores and alerts go out as (the consumer's topics and keys). */
export type Outputs = (scores: Score[], alerts: Alert[]) => Promise<TopicRecords[]>;

/**
 * The scoring use case, per call: one partition's batch, or several partitions' read together (DESIGN.md, "Scoring"):
 * 1. the call's state: one Redis read for the partitions' positions, users not in memory, merchants
 *    not read lately, the rules version and the active and shadow models' names (batch-state.ts);
 * 2. the pipeline: features for every event, in order per partition, from in-memory state, one
 *    session.run for the call (one more to explain flagged scores, one more for a shadow model), rules
 *    and decisions (score-pipeline.ts);
 * 3. one script call: the changed users, merchant increments, users' latest scores and the partitions'
 *    new positions, atomically (a partition another instance moved on refuses the whole call), with the
 *    scores and alerts on Redis Streams (the bus's outbox); on Kafka those are published just before.
 * Published before the state is stored, outputs may go out twice: after a crash in between, the
 * redelivered events are scored again from the same stored state, to the same results, and downstream
 * dedupes by id.
 */
@Injectable()
export class ScoreBatchService {
  private readonly pipeline: ScorePipeline;
  private plan: ScoringPlan | null = null;

  constructor(
    @Inject(APP_CONFIG) config: ScoringConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    private readonly state: BatchStateStore,
    private readonly rulesRepository: RulesRepository,
    private readonly models: ModelRegistry,
    private readonly recent: RecentScoredRows,
  ) {
    const options = { skipTypes: new Set(config.SCORING_SKIP_TYPES), topFeatures: config.SCORING_TOP_FEATURES, emitFeatures: config.SCORING_EMIT_FEATURES };
    this.pipeline = new ScorePipeline(options, rootLogger.child({ component: 'score-batch' }));
  }

  async score(parts: PartitionEvents[], outputs: Outputs): Promise<void> {
    const withEvents = parts.filter(({ events }) => events.length > 0);
    if (withEvents.length === 0) return;
    const disputed = await this.state.resolveChargebacks(withEvents.length === 1 ? withEvents[0].events : withEvents.flatMap(({ events }) => events));
    const batch = this.state.begin(withEvents);
    try {
      const { snapshot, users } = await batch.load();
      this.models.follow(snapshot.activeModel, snapshot.shadowModel);
      const plan = await this.planFor(snapshot.rulesVersion);
      // No await from here to the changes taken: batches of other partitions run between awaits.
      const merchants = batch.merchants();
      const fresh = batch.fresh();
      const features = this.pipeline.features(plan, fresh, users, merchants);
      this.recent.add(
        plan.engine.names,
        features.events.map((e) => e.event.type),
        features.matrix,
      );
      const changes = fresh.length > 0 ? batch.changes(fresh, features, users, merchants, disputed) : null;
      const { scores, alerts } = await this.pipeline.decide(plan, features);
      if (changes) {
        evaluateBatch(plan, features, scores, disputed, changes);
        addRecentScores(changes, features, scores);
      }
      await batch.store(changes, scores.length > 0 || alerts.length > 0 ? await outputs(scores, alerts) : []);
    } catch (error) {
      batch.abandon();
      throw error;
    } finally {
      batch.close();
    }
  }

  private async planFor(rulesVersion: string | null): Promise<ScoringPlan> {
    const { model } = this.models.current;
    const shadow = this.models.shadow?.model ?? null;
    if (this.plan && this.plan.model === model && this.plan.shadow === shadow && this.plan.rulesVersion === rulesVersion) return this.plan;
    const { version, rules } = rulesVersion === null ? { version: null, rules: [] } : await this.rulesRepository.list();
    this.plan = new ScoringPlan(model, shadow, version, rules, this.models.featureConfig);
    return this.plan;
  }
}
