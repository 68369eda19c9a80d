import { Controller, Get, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { describeError } from '@app/bus';
import { READINESS_CHECKS, ReadinessProblem, type ReadinessCheck } from './readiness-check';
import { ShutdownState } from './shutdown-state';

/**
 * How long one round of readiness checks answers for: anyone may call /health/ready, as often as they
 * like, and each round pings every dependency (a Postgres connection among them).
 */
const READY_ANSWER_MS = 1_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);
  /** The checks failing now: a dependency down for an hour is a line when it fails and one when it passes again. */
  private readonly failing = new Set<string>();
  private lastRound: { at: number; answer: Promise<HealthCheckResult> } | null = null;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly shutdown: ShutdownState,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up and its event loop answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Every dependency answers, every consumed partition advances, and the service is not shutting down (one round of checks answers for a second)',
  })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down, or the service is draining' })
  ready() {
    if (this.shutdown.draining) throw new ServiceUnavailableException({ status: 'shutting_down' });
    const now = Date.now();
    if (!this.lastRound || now - this.lastRound.at >= READY_ANSWER_MS) {
      const answer = this.health.check(this.checks.map((c) => () => this.run(c)));
      answer.catch(() => undefined); // a 503 round is answered to every caller of its second, not left unhandled
      this.lastRound = { at: now, answer };
    }
    return this.lastRound.answer;
  }

  private async run(check: ReadinessCheck): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(check.name);
    const started = Date.now();
    try {
      await check.check();
      if (this.failing.delete(check.name)) this.logger.log(`readiness check ${check.name} passes again`);
      return indicator.up({ latencyMs: Date.now() - started });
    } catch (error) {
      if (!this.failing.has(check.name)) this.logger.warn(`readiness check ${check.name} failed: ${describeError(error)}`);
      this.failing.add(check.name);
      return error instanceof ReadinessProblem ? indicator.down({ message: error.message }) : indicator.down();
    }
  }
}
