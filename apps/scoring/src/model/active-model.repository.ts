import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@app/platform';
import { ScoringKeys } from '../state/scoring-keys';

/** Which model every instance should serve: written on activation, read by each batch with its state. */
@Injectable()
export class ActiveModelRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: ScoringKeys,
  ) {}

  async set(name: string): Promise<void> {
    await this.redis.set(this.keys.activeModel(), name);
  }
}
