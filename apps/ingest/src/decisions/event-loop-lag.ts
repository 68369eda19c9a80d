import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { performance } from 'node:perf_hooks';

const TICK_MS = 10;
const WINDOW_MS = 100;

/**
 * How far behind this process's event loop runs, sustained: about how long a request waits to be read
 * before its handler starts, which no deadline measured from the handler can see. A 10 ms ticker notes
 * how late it fires; `ms` is the lesser of the worst delays of the last two 100 ms windows, so one
 * stall (a collection, a large request) that is over does not count, and an overload, which delays
 * every window, does.
 */
@Injectable()
export class EventLoopLag implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private current = 0;
  private previous = 0;

  onModuleInit(): void {
    let expected = performance.now() + TICK_MS;
    let windowStart = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.current = Math.max(this.current, now - expected);
      expected = now + TICK_MS;
      if (now - windowStart >= WINDOW_MS) {
        [this.previous, this.current, windowStart] = [this.current, 0, now];
      }
    }, TICK_MS);
    this.timer.unref();
  }

  get ms(): number {
    return Math.min(this.current, this.previous);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
