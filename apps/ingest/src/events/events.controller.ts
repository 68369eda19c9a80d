import { randomUUID } from 'node:crypto';
import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, APP_CONFIG, openApiSchema, RequireScope } from '@app/platform';
import type { IngestConfig } from '../ingest.config';
import { IngestEventsUseCase, IngestUnavailableError, ingestOutcomeSchema, type IngestOutcome } from '../ingestion/ingest-events.use-case';
import { refuseOverRate } from '../rate-limit/refuse-over-rate';
import { TokenBuckets } from '../rate-limit/token-bucket';
import { readBody } from './read-body';
import { EVENT_SCHEMA } from './event-in.openapi';
import { invalidEventRecord } from './invalid-event-record';
import { parseRequestBody } from './request-body.parser';

const EXAMPLE_EVENT = {
  eventId: 'evt-0001',
  type: 'transaction',
  userId: 'user-42',
  occurredAt: '2026-11-23T08:15:00Z',
  amount: 129.9,
  currency: 'EUR',
  merchantId: 'm-7',
  ip: '81.2.69.142',
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
};

@ApiTags('events')
@RequireScope('ingest')
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly ingestEvents: IngestEventsUseCase,
    private readonly rateLimits: TokenBuckets,
    @Inject(APP_CONFIG) private readonly config: IngestConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send events: one JSON object, a JSON array, or NDJSON. Answers once the bus durably holds them.' })
  @ApiBody({
    description: 'One event, a JSON array of events, or NDJSON (content-type application/x-ndjson, one event per line)',
    schema: { oneOf: [EVENT_SCHEMA, { type: 'array', items: EVENT_SCHEMA }], example: [EXAMPLE_EVENT] },
  })
  @ApiAcceptedResponse({
    schema: openApiSchema(ingestOutcomeSchema, {
      accepted: 1,
      duplicates: 0,
      rejected: 1,
      results: [
        { index: 0, eventId: 'evt-0001', status: 'accepted' },
        { index: 1, status: 'rejected', reasons: ['amount: must not be negative'] },
      ],
    }),
  })
  async send(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<IngestOutcome> {
    const body = await readBody(request.raw, this.config.INGEST_MAX_BODY_BYTES);
    if (!body) throw new ApiError(413, 'BODY_TOO_LARGE', `the body may be at most ${this.config.INGEST_MAX_BODY_BYTES} bytes`);
    const parsed = parseRequestBody(request.headers['content-type'], body, this.config.INGEST_MAX_EVENTS_PER_REQUEST);
    if (!parsed.ok) throw new ApiError(parsed.status, parsed.code, parsed.message);

    refuseOverRate(this.rateLimits, request, reply, parsed.items.length, this.config.INGEST_RATE_LIMIT_PER_SECOND);

    const requestId = randomUUID();
    let outcome: IngestOutcome;
    try {
      outcome = await this.ingestEvents.ingest(parsed.items, 'http', (index, reasons) => invalidEventRecord(requestId, index, parsed.items[index], reasons));
    } catch (error) {
      if (!(error instanceof IngestUnavailableError)) throw error;
      reply.header('Retry-After', '1');
      throw new ApiError(503, 'BUS_UNAVAILABLE', 'the events could not be stored durably right now; nothing was accepted, retry shortly');
    }
    if (outcome.accepted + outcome.duplicates === 0) {
      throw new ApiError(422, 'INVALID_EVENTS', 'no event in the request is valid', outcome);
    }
    return outcome;
  }
}
