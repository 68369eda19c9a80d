import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { DAY } from '@app/features';
import { APP_CONFIG } from '@app/platform';
import { ModelRegistry } from '../model/model-registry';
import type { ScoringConfig } from '../scoring.config';
import { WindowStateRepository } from '../state/window-state.repository';
import { EvaluationTally, type ModelIdentity } from './evaluation-tally';
import { evaluateRole, labelledWindow, type RoleEvaluation } from './label-evaluation';

export interface PairEvaluation {
  /** The transaction days evaluated (UTC): the last SCORING_EVALUATION_DAYS whose chargebacks have had the label delay to arrive. */
  window: { from: string | null; to: string | null; days: number; labelDelayDays: number };
  live: ModelIdentity & RoleEvaluation;
  /** Null without a shadow model. */
  shadow: (ModelIdentity & RoleEvaluation) | null;
}

const EVALUATION_METRIC = 'scoring_model_evaluation';
const MEASURES = ['aucRoc', 'averagePrecision', 'precisionAtAlert', 'recallAtAlert', 'transactions', 'frauds', 'alerts'] as const;

/**
 * Champion and challenger, as labels arrive: the live and shadow models' AUC, average precision and
 * precision at their alert thresholds over the same labelled transactions (label-evaluation.ts), on
 * GET /v1/models/shadow and, read at each scrape, on /metrics.
 */
@Injectable()
export class ModelEvaluationService implements OnModuleDestroy {
  private readonly gauge: Gauge;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ScoringConfig,
    private readonly state: WindowStateRepository,
    private readonly models: ModelRegistry,
  ) {
    // prom-client calls collect with the gauge as `this`.
    const readReport = () => this.report();
    this.gauge = new Gauge({
      name: EVALUATION_METRIC,
      help: 'The live and shadow models on the labelled window (GET /v1/models/shadow): measure is aucRoc, averagePrecision, precisionAtAlert, recallAtAlert, transactions, frauds or alerts',
      labelNames: ['role', 'model', 'measure'],
      async collect() {
        this.reset();
        // A failed read leaves the figures out of this scrape; /metrics itself still answers.
        const report = await readReport().catch(() => null);
        for (const [role, figures] of [
          ['live', report?.live],
          ['shadow', report?.shadow],
        ] as const) {
          if (!figures) continue;
          for (const measure of MEASURES)
            if (Number.isFinite(figures[measure])) this.set({ role, model: `${figures.id}@${figures.version}`, measure }, figures[measure]);
        }
      },
    });
  }

  async report(): Promise<PairEvaluation> {
    const live = this.models.current.model;
    const shadow = this.models.shadow?.model ?? null;
    const pair = EvaluationTally.pairOf(live, shadow);
    const labelDelayDays = this.config.SCORING_LABEL_DELAY_DAYS;
    const days = labelledWindow(await this.state.evaluationDays(pair), this.config.SCORING_EVALUATION_DAYS, labelDelayDays);
    const counts = await this.state.evaluationCounts(pair, days);
    const isoDay = (day: number | undefined) => (day === undefined ? null : new Date(day * DAY).toISOString().slice(0, 10));
    return {
      window: { from: isoDay(days[0]), to: isoDay(days[days.length - 1]), days: days.length, labelDelayDays },
      live: { id: live.id, version: live.version, ...evaluateRole(counts, 'L') },
      shadow: shadow ? { id: shadow.id, version: shadow.version, ...evaluateRole(counts, 'S') } : null,
    };
  }

  onModuleDestroy(): void {
    register.removeSingleMetric(EVALUATION_METRIC);
  }
}
