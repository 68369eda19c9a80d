import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/** Flips readiness to "no" as soon as shutdown starts, so load balancers stop sending work while we drain. */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  draining = false;

  beforeApplicationShutdown(): void {
    this.draining = true;
  }
}
