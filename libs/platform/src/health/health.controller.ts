import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { describeError } from '@app/bus';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check';
import { ShutdownState } from './shutdown-state';

@ApiTags('health')
@Controller('health')
export class HealthController {
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
  @ApiOperation({ summary: 'Every dependency answers and the service is not shutting down' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down, or the service is draining' })
  ready() {
    if (this.shutdown.draining) throw new ServiceUnavailableException({ status: 'shutting_down' });
    return this.health.check(this.checks.map((c) => () => this.run(c)));
  }

  private async run(check: ReadinessCheck): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(check.name);
    const started = Date.now();
    try {
      await check.check();
      return indicator.up({ latencyMs: Date.now() - started });
    } catch (error) {
      return indicator.down({ message: describeError(error) });
    }
  }
}
