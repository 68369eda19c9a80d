import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { LagWindows } from './lag-windows';

const TICK_MS = 10;
const WINDOW_MS = 100;

/**
 * How far behind this process's event loop runs, sustained: about how long a request waits to be read
 * before its handler starts, which no deadline measured from the handler can see. A 10 ms ticker notes
 * how late it fires; `ms` is the lesser of the worst delays of the last two 100 ms windows (`LagWindows`).
 */
@Injectable()
export class EventLoopLag implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private windows = new LagWindows(TICK_MS, WINDOW_MS, performance.now());

  onModuleInit(): void {
    this.windows = new LagWindows(TICK_MS, WINDOW_MS, performance.now());
    this.timer = setInterval(() => this.windows.tick(performance.now()), TICK_MS);
    this.timer.unref();
  }

  get ms(): number {
    return this.windows.ms;
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
