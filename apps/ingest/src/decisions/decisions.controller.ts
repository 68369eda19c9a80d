import { randomUUID } from 'node:crypto';
import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Decision } from '@app/contracts';
import { ApiError, APP_CONFIG, RequireScope } from '@app/platform';
import { invalidEventRecord } from '../events/invalid-event-record';
import { readBody } from '../events/read-body';
import type { IngestConfig } from '../ingest.config';
import { refuseOverRate } from '../rate-limit/refuse-over-rate';
import { TokenBuckets } from '../rate-limit/token-bucket';
import { DecideEventUseCase } from './decide-event.use-case';
import { DECISION_REQUEST_SCHEMA, DECISION_SCHEMA } from './decisions.openapi';
import { EventLoopLag } from './event-loop-lag';

/** One event and its options: far below the events endpoint's limit. */
const MAX_BODY_BYTES = 64 * 1024;

@ApiTags('decisions')
@RequireScope('decide')
@Controller('v1/decisions')
export class DecisionsController {
  constructor(
    private readonly decisions: DecideEventUseCase,
    private readonly rateLimits: TokenBuckets,
    private readonly loopLag: EventLoopLag,
    @Inject(APP_CONFIG) private readonly config: IngestConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Decide on one event before acting on it (allow, review or block), within a deadline',
    description:
      "The event is scored by the stream's own features, model and rules from the state of the events already applied, then flows through the stream like any other. Past the deadline the answer is the configured fallback, marked degraded. The same eventId asked again gets the same answer. See docs/decisions.md.",
  })
  @ApiBody({ schema: DECISION_REQUEST_SCHEMA })
  @ApiOkResponse({ description: 'The decision (degraded: the fallback, given past the deadline)', schema: DECISION_SCHEMA })
  @ApiResponse({
    status: 422,
    description: 'The event is not valid (INVALID_EVENT: the reasons, one per problem), or is a chargeback, which is not decided (NOT_DECIDED)',
  })
  @ApiResponse({ status: 429, description: "Over this key's rate: retry after Retry-After seconds" })
  @ApiResponse({
    status: 503,
    description:
      'The event could not be stored durably in time, or this process is overloaded: use your own fallback, and retry with the same eventId after Retry-After',
  })
  async decide(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Decision> {
    const body = await readBody(request.raw, MAX_BODY_BYTES);
    if (!body) throw new ApiError(413, 'BODY_TOO_LARGE', `the body may be at most ${MAX_BODY_BYTES} bytes`);
    const { event, timeoutMs } = this.parse(body);

    refuseOverRate(this.rateLimits, request, reply, 1, this.config.INGEST_RATE_LIMIT_PER_SECOND);
    // The request waited about as long as the event loop lags before this line ran: that time is the
    // caller's too, and comes off its deadline (all of it, perhaps: then the answer is the fallback).
    // Only a process overloaded whatever the deadline refuses: the work is what it cannot afford.
    const lag = Math.round(this.loopLag.read());
    if (this.decisions.inFlightCount >= this.config.DECISION_MAX_IN_FLIGHT || lag > this.config.DECISION_OVERLOAD_LAG_MS) {
      this.decisions.countOverloaded();
      reply.header('Retry-After', '1');
      throw new ApiError(
        503,
        'OVERLOADED',
        `this ingest process is overloaded (${this.decisions.inFlightCount} decisions in progress, ${lag} ms behind); use your fallback and retry with the same eventId shortly`,
      );
    }

    const requestId = randomUUID();
    const outcome = await this.decisions.decide(event, timeoutMs, lag, (_, reasons) => invalidEventRecord(requestId, 0, event, reasons));
    if (outcome.status === 'rejected') throw new ApiError(422, 'INVALID_EVENT', 'the event is not valid', { reasons: outcome.reasons });
    if (outcome.status === 'unavailable') {
      reply.header('Retry-After', '1');
      throw new ApiError(
        503,
        'BUS_UNAVAILABLE',
        'the event could not be stored durably before the deadline; nothing was decided: retry with the same eventId shortly',
      );
    }
    return outcome.decision;
  }

  private parse(body: Buffer): { event: unknown; timeoutMs: number } {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new ApiError(400, 'INVALID_JSON', `the body is not valid JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ApiError(400, 'INVALID_REQUEST', 'the body must be an object: { "event": {...}, "timeoutMs": 100 }');
    const { event, timeoutMs, ...rest } = parsed as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw new ApiError(400, 'INVALID_REQUEST', `unknown fields: ${unknown.join(', ')} (the event goes under "event")`);
    if (event === undefined) throw new ApiError(400, 'INVALID_REQUEST', '"event" is required');
    // A chargeback labels a payment decided long ago; nothing waits on it, and scoring does not score it.
    if ((event as { type?: unknown } | null)?.type === 'chargeback')
      throw new ApiError(422, 'NOT_DECIDED', 'chargebacks are labels, not decided: send them to POST /v1/events');
    if (timeoutMs === undefined) return { event, timeoutMs: this.config.DECISION_TIMEOUT_MS };
    if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > this.config.DECISION_MAX_TIMEOUT_MS) {
      throw new ApiError(400, 'INVALID_REQUEST', `"timeoutMs" must be a whole number of ms from 1 to ${this.config.DECISION_MAX_TIMEOUT_MS}`);
    }
    return { event, timeoutMs };
  }
}
