import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { FeatureEngine, type FeatureConfig } from '@app/features';
import { ModelLoadError, OnnxModel } from '@app/model';
import { APP_CONFIG, ROOT_LOGGER } from '@app/platform';
import type { ScoringConfig } from '../scoring.config';
import { ModelSelectionRepository } from './model-selection.repository';
import { ModelSlot, type ServedModel } from './model-slot';

export type { ServedModel } from './model-slot';

/**
 * Loads, validates and swaps ONNX models: the active one, whose scores decide, and optionally a
 * shadow scored beside it on the same features, whose scores are only reported. A batch takes
 * both once at its start, so a swap lands between batches: no event is lost or scored half by one
 * model and half by another.
 */
@Injectable()
export class ModelRegistry implements OnApplicationShutdown {
  private readonly active: ModelSlot;
  private readonly shadowSlot: ModelSlot;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ScoringConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    private readonly selection: ModelSelectionRepository,
  ) {
    const logger = rootLogger.child({ component: 'model-registry' });
    const open = (name: string) => this.open(name);
    this.active = new ModelSlot('active', open, logger);
    this.shadowSlot = new ModelSlot('shadow', open, logger);
  }

  get current(): ServedModel {
    const served = this.active.current;
    if (!served) throw new Error('no model is loaded');
    return served;
  }

  get shadow(): ServedModel | null {
    return this.shadowSlot.current;
  }

  get featureConfig(): FeatureConfig {
    return {
      graceMs: this.config.SCORING_GRACE_MS,
      labelDelayMs: this.config.SCORING_LABEL_DELAY_DAYS * 86_400_000,
      disputeHorizonMs: this.config.SCORING_DISPUTE_HORIZON_DAYS * 86_400_000,
    };
  }

  /** The boot model: a model that does not match its manifest stops the service with the reason. */
  async loadInitial(): Promise<void> {
    await this.active.load(this.config.MODEL_NAME);
  }

  /** Loads, checks and serves `name`, then tells every instance (PUT /v1/models/active). */
  async activate(name: string): Promise<ServedModel> {
    const served = await this.active.load(name);
    await this.selection.setActive(name);
    return served;
  }

  /** Loads, checks and scores `name` beside the active model, then tells every instance (PUT /v1/models/shadow). */
  async shadowWith(name: string): Promise<ServedModel> {
    const served = await this.shadowSlot.load(name);
    await this.selection.setShadow(name);
    return served;
  }

  /**
   * The shadow model becomes the active one and nothing is scored in the shadow any more, here at once
   * and on every instance from its next batch (POST /v1/models/shadow/promote). The active slot opens
   * a session of its own: the shadow's is released with its slot. Null: no shadow to promote.
   */
  async promote(): Promise<ServedModel | null> {
    const shadow = this.shadowSlot.current;
    if (!shadow) return null;
    const served = await this.active.load(shadow.name);
    this.shadowSlot.put(null);
    await this.selection.promote(shadow.name);
    return served;
  }

  /** Stops shadow scoring on every instance (DELETE /v1/models/shadow). */
  async stopShadow(): Promise<void> {
    this.shadowSlot.put(null);
    await this.selection.setShadow(null);
  }

  /**
   * Called with the names a batch read from Redis (null: none recorded) to serve what every instance
   * should. A batch that read them just before a change made here may bring the previous choice back
   * for a batch or two; the next reads settle it.
   */
  follow(active: string | null, shadow: string | null): void {
    // No active name recorded: nobody activated one, and MODEL_NAME stays.
    if (active !== null) this.active.follow(active);
    if (shadow === null) this.shadowSlot.put(null);
    else this.shadowSlot.follow(shadow);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.active.release(), this.shadowSlot.release()]);
  }

  private async open(name: string): Promise<OnnxModel> {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) throw new ModelLoadError(name, 'a model name is a folder name in MODELS_DIR');
    const model = await OnnxModel.load(join(this.config.MODELS_DIR, name, 'manifest.json'));
    try {
      new FeatureEngine(model.manifest.features, this.featureConfig);
    } catch (error) {
      await model.release();
      throw new ModelLoadError(model.manifestPath, (error as Error).message);
    }
    return model;
  }
}
