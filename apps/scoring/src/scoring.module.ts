import { Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { PlatformModule, READINESS_CHECKS, type ReadinessCheck } from '@app/platform';
import { ModelEvaluationService } from './evaluation/model-evaluation.service';
import { FeaturesController } from './features/features.controller';
import { ModelSelectionRepository } from './model/model-selection.repository';
import { ModelRegistry } from './model/model-registry';
import { ModelsController } from './model/models.controller';
import { RecentScoredRows } from './rules/recent-rows';
import { RulesController } from './rules/rules.controller';
import { RulesRepository } from './rules/rules.repository';
import type { ScoringConfig } from './scoring.config';
import { DecisionReplyPublisher } from './scoring/decision-reply.publisher';
import { BatchStateStore } from './scoring/batch-state';
import { ScoreBatchService } from './scoring/score-batch.service';
import { ScoringConsumer } from './scoring/scoring.consumer';
import { RecentScoresRepository } from './scores/recent-scores.repository';
import { UserScoresController } from './scores/user-scores.controller';
import { ScoringKeys } from './state/scoring-keys';
import { WindowStateRepository } from './state/window-state.repository';

@Module({})
export class ScoringModule implements OnModuleInit {
  constructor(
    private readonly models: ModelRegistry,
    @Inject(READINESS_CHECKS) private readonly readinessChecks: ReadinessCheck[],
  ) {}

  static forRoot(config: ScoringConfig): DynamicModule {
    return {
      module: ScoringModule,
      imports: [PlatformModule.forRoot({ service: 'scoring', config, dependencies: ['bus', 'redis'] })],
      controllers: [ModelsController, RulesController, FeaturesController, UserScoresController],
      providers: [
        { provide: ScoringKeys, useValue: new ScoringKeys(config.SCORING_STATE_PREFIX) },
        { provide: RecentScoredRows, useValue: new RecentScoredRows(config.SCORING_PREVIEW_EVENTS) },
        WindowStateRepository,
        RulesRepository,
        RecentScoresRepository,
        ModelSelectionRepository,
        ModelRegistry,
        ModelEvaluationService,
        BatchStateStore,
        ScoreBatchService,
        ...(config.SCORING_CONSUMER ? [DecisionReplyPublisher, ScoringConsumer] : []),
      ],
    };
  }

  /** The boot model must load (a mismatch with its manifest stops the service with the reason) before consuming. */
  async onModuleInit(): Promise<void> {
    await this.models.loadInitial();
    this.readinessChecks.push({ name: 'model', check: async () => void this.models.current });
  }
}
