import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { performance } from 'node:perf_hooks';

const TICK_MS = 10;
const WINDOW_MS = 100;

/**
 * How far behind this process's event loop runs, sustained: about how long a request waits to be read
 * before its handler starts, which no deadline measured from the handler can see. A 10 ms ticker notes
 * how late it fires; `ms` is the lesser of the worst delays of the last two 100 ms windows, so one
 * stall (a collection, a large request) that is over does not count, and an overload, which delays
 * every window, does. A window without a tick yet (the one the latest tick opened) is no evidence of
 * keeping up: until its first tick `ms` is the last window's worst.
 */
@Injectable()
export class EventLoopLag implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  /** The worst delay of the open window; undefined until its first tick. */
  private current: number | undefined;
  private previous = 0;

  onModuleInit(): void {
    let expected = performance.now() + TICK_MS;
    let windowStart = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.current = Math.max(this.current ?? 0, now - expected);
      expected = now + TICK_MS;
      if (now - windowStart >= WINDOW_MS) {
        [this.previous, this.current, windowStart] = [this.current, undefined, now];
      }
    }, TICK_MS);
    this.timer.unref();
  }

  get ms(): number {
    return this.current === undefined ? this.previous : Math.min(this.current, this.previous);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
