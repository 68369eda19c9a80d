import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { FeatureEngine, type FeatureConfig } from '@app/features';
import { ModelLoadError, OnnxModel } from '@app/model';
import { APP_CONFIG, ROOT_LOGGER } from '@app/platform';
import type { ScoringConfig } from '../scoring.config';
import { ActiveModelRepository } from './active-model.repository';

export interface ServedModel {
  /** Folder name in MODELS_DIR. */
  name: string;
  model: OnnxModel;
}

/** A released session may still be in a batch that started before the swap; this outlives any batch. */
const RELEASE_AFTER_MS = 60_000;

/**
 * Loads, validates and swaps ONNX models. A batch takes `current` once at its start, so a swap
 * lands between batches: no event is lost or scored half by one model and half by another.
 */
@Injectable()
export class ModelRegistry implements OnApplicationShutdown {
  private served: ServedModel | null = null;
  /** A name that failed to load, so batches that still see it in Redis do not retry it each time. */
  private failedName: string | null = null;
  private loading: Promise<void> | null = null;
  private readonly logger: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ScoringConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    private readonly activeModel: ActiveModelRepository,
  ) {
    this.logger = rootLogger.child({ component: 'model-registry' });
  }

  get current(): ServedModel {
    if (!this.served) throw new Error('no model is loaded');
    return this.served;
  }

  get featureConfig(): FeatureConfig {
    return { graceMs: this.config.SCORING_GRACE_MS, labelDelayMs: this.config.SCORING_LABEL_DELAY_DAYS * 86_400_000 };
  }

  /** The boot model: a model that does not match its manifest stops the service with the reason. */
  async loadInitial(): Promise<void> {
    this.swap({ name: this.config.MODEL_NAME, model: await this.open(this.config.MODEL_NAME) });
  }

  /** Loads, checks and serves `name`, then tells every instance (PUT /v1/models/active). */
  async activate(name: string): Promise<ServedModel> {
    const model = await this.open(name);
    this.swap({ name, model });
    this.failedName = null;
    await this.activeModel.set(name);
    return this.current;
  }

  /** Called with the name a batch read from Redis: starts loading it in the background when it is new here. */
  follow(name: string | null): void {
    if (!name || name === this.served?.name || name === this.failedName || this.loading) return;
    this.loading = this.open(name)
      .then((model) => this.swap({ name, model }))
      .catch((error: Error) => {
        this.failedName = name;
        this.logger.error({ model: name, err: error.message }, 'the activated model cannot be served here; keeping the current one');
      })
      .finally(() => {
        this.loading = null;
      });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loading;
    await this.served?.model.release();
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

  private swap(next: ServedModel): void {
    const previous = this.served;
    this.served = next;
    this.logger.info({ model: next.name, id: next.model.id, version: next.model.version, features: next.model.manifest.features.length }, 'serving model');
    if (previous && previous.model !== next.model) setTimeout(() => void previous.model.release(), RELEASE_AFTER_MS).unref();
  }
}
