import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { openApiSchema, RequireScope, validateInput } from '@app/platform';
import { timelineEventSchema, type TimelineEvent } from './timeline-event.view';
import { UserTimelineRepository } from './user-timeline.repository';

const query = z
  .object({
    days: z.coerce.number().int().min(1).max(90).default(7),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

@ApiTags('lake')
@RequireScope('admin')
@Controller('v1/users')
export class TimelineController {
  constructor(private readonly timeline: UserTimelineRepository) {}

  @Get(':userId/events')
  @ApiOperation({ summary: "A customer's events in the lake over the last days (by event time), newest first: a scan of those days' files." })
  @ApiQuery({ name: 'days', required: false, example: 7, description: '1-90, default 7' })
  @ApiQuery({ name: 'limit', required: false, example: 100, description: '1-1000, default 100' })
  @ApiOkResponse({
    schema: openApiSchema(z.object({ items: z.array(timelineEventSchema) }), {
      items: [
        {
          eventId: 'evt-1',
          type: 'transaction',
          occurredAt: '2026-12-04T08:00:00.000Z',
          amount: 129.9,
          currency: 'EUR',
          merchantId: 'T7',
          country: 'GB',
          city: 'London',
          deviceType: 'mobile',
          browser: 'Mobile Safari',
          flags: [],
        },
      ],
    }),
  })
  async events(@Param('userId') userId: string, @Query() given: unknown): Promise<{ items: TimelineEvent[] }> {
    const { days, limit } = validateInput(query, given, 'INVALID_QUERY', 'the query is not valid', { unknownField: 'is not a filter' });
    return { items: await this.timeline.events(userId, days, limit) };
  }
}
