import { Controller, Get, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { asyncScheduler, interval, map, merge, takeUntil, throttleTime, type Observable } from 'rxjs';
import { z } from 'zod';
import { VERDICTS, type Verdict } from '@app/contracts';
import { openApiSchema, RequireScope, validateInput } from '@app/platform';
import { AlertRepository, type AlertQuery } from './alert.repository';
import { AlertSignals } from './alert-signals';
import { alertSummarySchema, type AlertSummary } from './alert-summary.view';

const instant = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO-8601 time with its zone' })
  .transform((text) => new Date(text));

const alertQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    userId: z.string().min(1).max(256).optional(),
    decision: z.enum(VERDICTS as [Verdict, ...Verdict[]]).optional(),
    reason: z.string().min(1).max(128).optional(),
    after: instant.optional(),
    before: instant.optional(),
  })
  .strict();

/** At most one `stored` signal this often per follower: a burst of commits is one question to GET /v1/alerts. */
const SIGNAL_EVERY_MS = 250;
/** A quiet stream still writes this often, so proxies and load balancers keep it open. */
const PING_EVERY_MS = 15_000;

@ApiTags('alerts')
@RequireScope('admin')
@Controller('v1/alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly signals: AlertSignals,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The newest alerts, each with its deliveries; every filter given must hold.' })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: '1-500, default 50' })
  @ApiQuery({ name: 'userId', required: false, description: "One customer's alerts" })
  @ApiQuery({ name: 'decision', required: false, enum: VERDICTS })
  @ApiQuery({ name: 'reason', required: false, example: 'VELOCITY_10M', description: 'A reason code the alert carries (a rule or a feature)' })
  @ApiQuery({ name: 'after', required: false, description: 'Received after this time (ISO-8601): what a live feed has not seen yet' })
  @ApiQuery({ name: 'before', required: false, description: 'Received before this time (ISO-8601): the page after one ending there' })
  @ApiOkResponse({
    schema: openApiSchema(z.object({ items: z.array(alertSummarySchema) }), {
      items: [
        {
          alertId: 'alert_evt-1',
          eventId: 'evt-1',
          userId: 'user-42',
          eventType: 'transaction',
          occurredAt: '2026-11-23T10:00:00.000Z',
          score: 0.93,
          decision: 'block',
          reasons: [{ code: 'VELOCITY_10M', detail: 'user.tx_count.10m >= 8 (9)' }],
          model: { id: 'sentinel-xgboost', version: '2026-11-20' },
          raisedAt: '2026-11-23T10:00:00.008Z',
          receivedAt: '2026-11-23T10:00:00.012Z',
          deliveries: [
            {
              id: '0b6f1a4e-7d0c-4a57-9d1b-2c3f4e5a6b7c',
              endpointId: '6f1c2b1e-4a0e-4d0b-9c1e-2f6d7b9a1c33',
              status: 'pending',
              attemptCount: 0,
              lastStatus: null,
            },
          ],
        },
      ],
    }),
  })
  async list(@Query() query: unknown): Promise<{ items: AlertSummary[] }> {
    const filters: AlertQuery = validateInput(alertQuery, query, 'INVALID_QUERY', 'the query is not valid', { unknownField: 'is not a filter' });
    return { items: await this.alerts.list(filters) };
  }

  @Sse('signals')
  @ApiOperation({
    summary:
      'Server-sent events: `stored` once listening and each time alerts were stored since (at most every 250 ms; GET /v1/alerts with `after` answers them), `ping` every 15 s.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An endless text/event-stream; each event\'s data is `{"at": ISO-8601}`.' })
  follow(): Observable<MessageEvent> {
    const at = () => ({ at: new Date().toISOString() });
    return merge(
      this.signals.follow().pipe(
        throttleTime(SIGNAL_EVERY_MS, asyncScheduler, { leading: true, trailing: true }),
        map(() => ({ type: 'stored', data: at() })),
      ),
      interval(PING_EVERY_MS).pipe(
        takeUntil(this.signals.stopping),
        map(() => ({ type: 'ping', data: at() })),
      ),
    );
  }
}
