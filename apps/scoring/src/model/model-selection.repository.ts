import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@app/platform';
import { ScoringKeys } from '../state/scoring-keys';

/** Which models every instance should serve, live and in the shadow: written by the API, read by each batch with its state. */
@Injectable()
export class ModelSelectionRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: ScoringKeys,
  ) {}

  async setActive(name: string): Promise<void> {
    await this.redis.set(this.keys.activeModel(), name);
  }

  /** The shadow becomes the active model and the shadow slot empties, in one transaction. */
  async promote(name: string): Promise<void> {
    await this.redis.multi().set(this.keys.activeModel(), name).del(this.keys.shadowModel()).exec();
  }

  /** `null`: no shadow model. */
  async setShadow(name: string | null): Promise<void> {
    if (name === null) await this.redis.del(this.keys.shadowModel());
    else await this.redis.set(this.keys.shadowModel(), name);
  }
}
