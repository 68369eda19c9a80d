import type { Logger } from 'pino';
import type { OnnxModel } from '@app/model';

export interface ServedModel {
  /** Folder name in MODELS_DIR. */
  name: string;
  model: OnnxModel;
}

/** A released session may still be in a batch that started before the swap; this outlives any batch. */
const RELEASE_AFTER_MS = 60_000;

/**
 * One place a model is served from (the live model, or the shadow beside it): what is served now,
 * and the name every instance should serve, followed as batches read it from Redis. A batch takes
 * what is served once at its start, so a swap lands between batches.
 */
export class ModelSlot {
  private served: ServedModel | null = null;
  /** A name that failed to load, so batches that still see it in Redis do not retry it each time. */
  private failedName: string | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly role: 'active' | 'shadow',
    private readonly open: (name: string) => Promise<OnnxModel>,
    private readonly logger: Logger,
  ) {}

  get current(): ServedModel | null {
    return this.served;
  }

  /** Loads and checks `name` (throws ModelLoadError with the reason), then serves it. */
  async load(name: string): Promise<ServedModel> {
    const served = { name, model: await this.open(name) };
    this.put(served);
    return served;
  }

  /**
   * Serves `next` from the next batch on (`null`: nothing); the previous session is released later.
   * The choice changed, so a name that failed to load before is tried again if it is chosen again.
   */
  put(next: ServedModel | null): void {
    const previous = this.served;
    this.served = next;
    this.failedName = null;
    if (next)
      this.logger.info(
        { slot: this.role, model: next.name, id: next.model.id, version: next.model.version, features: next.model.manifest.features.length },
        `serving ${this.role} model`,
      );
    else if (previous) this.logger.info({ slot: this.role, model: previous.name }, `no ${this.role} model any more`);
    if (previous && previous.model !== next?.model) setTimeout(() => void previous.model.release(), RELEASE_AFTER_MS).unref();
  }

  /** Called with the name a batch read from Redis: starts loading it in the background when it is new here. */
  follow(name: string): void {
    if (name === this.served?.name || name === this.failedName || this.loading) return;
    this.loading = this.open(name)
      .then((model) => this.put({ name, model }))
      .catch((error: Error) => {
        this.failedName = name;
        this.logger.error({ slot: this.role, model: name, err: error.message }, `the ${this.role} model cannot be served here; keeping the current one`);
      })
      .finally(() => {
        this.loading = null;
      });
  }

  async release(): Promise<void> {
    await this.loading;
    await this.served?.model.release();
  }
}
