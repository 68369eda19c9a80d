import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { openApiSchema, RequireScope } from '@app/platform';
import { recentScoreSchema, type RecentScore } from './recent-score.view';
import { RecentScoresRepository } from './recent-scores.repository';

@ApiTags('scores')
@RequireScope('admin')
@Controller('v1/users')
export class UserScoresController {
  constructor(private readonly scores: RecentScoresRepository) {}

  @Get(':userId/scores')
  @ApiOperation({
    summary:
      "A customer's latest scores (SCORING_RECENT_SCORES of them), newest first: every scored event, alerting or not, kept as long as the customer's window state.",
  })
  @ApiOkResponse({
    schema: openApiSchema(z.object({ items: z.array(recentScoreSchema) }), {
      items: [
        {
          eventId: 'evt-1',
          type: 'transaction',
          occurredAt: '2026-12-04T08:00:00.000Z',
          score: 0.031,
          decision: 'allow',
          alert: false,
          reasons: [],
          model: { id: 'default', version: '2026-11-30' },
        },
      ],
    }),
  })
  async list(@Param('userId') userId: string): Promise<{ items: RecentScore[] }> {
    return { items: await this.scores.list(userId) };
  }
}
