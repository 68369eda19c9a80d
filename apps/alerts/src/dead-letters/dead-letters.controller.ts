import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { openApiSchema, RequireScope, validateInput } from '@app/platform';
import { DEAD_LETTER_RETENTION_DAYS } from '../retention/alert-retention.service';
import { deadLetterReasonSchema, type DeadLetterReason } from './dead-letter-reason.view';
import { DeadLetterRepository } from './dead-letter.repository';

const query = z
  .object({
    hours: z.coerce
      .number()
      .int()
      .min(1)
      .max(DEAD_LETTER_RETENTION_DAYS * 24)
      .default(24),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

@ApiTags('dead letters')
@RequireScope('admin')
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetterRepository) {}

  @Get()
  @ApiOperation({
    summary:
      'The dead letters of the last hours (events.invalid, kept a week), by consumer group, origin topic and reason, the most recent first, each with the latest original (its first 2,000 characters).',
  })
  @ApiQuery({ name: 'hours', required: false, example: 24, description: `1-${DEAD_LETTER_RETENTION_DAYS * 24}, default 24` })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: 'reasons, 1-500, default 50' })
  @ApiOkResponse({
    schema: openApiSchema(z.object({ items: z.array(deadLetterReasonSchema) }), {
      items: [
        {
          group: 'ingest',
          topic: 'http',
          reason: 'amount: must not be negative',
          count: 12,
          firstAt: '2026-12-04T07:01:00.000Z',
          lastAt: '2026-12-04T08:14:03.120Z',
          sample: '{"type":"transaction","userId":"C42","amount":-3}',
        },
      ],
    }),
  })
  async list(@Query() given: unknown): Promise<{ items: DeadLetterReason[] }> {
    const { hours, limit } = validateInput(query, given, 'INVALID_QUERY', 'the query is not valid', { unknownField: 'is not a filter' });
    return { items: await this.deadLetters.reasons(new Date(Date.now() - hours * 3_600_000), limit) };
  }
}
