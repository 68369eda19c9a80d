import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { LagWindows } from './lag-windows';

const TICK_MS = 10;
const WINDOW_MS = 100;
/** The ticker stops this long after the last read: a service asked for no decisions keeps no 10 ms timer. */
const IDLE_AFTER_MS = 10_000;

/**
 * How far behind this process's event loop runs, sustained: about how long a request waits to be read
 * before its handler starts, which no deadline measured from the handler can see. A 10 ms ticker notes
 * how late it fires; `read()` is the lesser of the worst delays of the last two 100 ms windows (`LagWindows`).
 * The ticker runs while decisions are asked: each of its ticks wakes the process (~200 wake-ups a second,
 * ~7 ms of CPU a second here, docs/observability.md), for nothing where no decision is asked. The first read
 * after a quiet spell starts it and reads 0: nothing is known yet, and nothing is refused on no evidence.
 */
@Injectable()
export class EventLoopLag implements OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private windows = new LagWindows(TICK_MS, WINDOW_MS, performance.now());
  private readAt = 0;

  /** Milliseconds behind, sustained; keeps the ticker running. */
  read(): number {
    this.readAt = performance.now();
    if (!this.timer) this.start(this.readAt);
    return this.windows.ms;
  }

  onModuleDestroy(): void {
    this.stop();
  }

  private start(now: number): void {
    this.windows = new LagWindows(TICK_MS, WINDOW_MS, now);
    this.timer = setInterval(() => {
      const at = performance.now();
      if (at - this.readAt > IDLE_AFTER_MS) this.stop();
      else this.windows.tick(at);
    }, TICK_MS);
    this.timer.unref();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
