import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiError, RequireScope } from '@app/platform';
import { AlertRepository, type AlertSummary } from './alert.repository';

@ApiTags('alerts')
@RequireScope('admin')
@Controller('v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertRepository) {}

  @Get()
  @ApiOperation({ summary: 'The newest alerts, each with its deliveries.' })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: '1-500, default 50' })
  @ApiOkResponse({
    schema: {
      example: {
        items: [
          {
            alertId: 'alert_evt-1',
            userId: 'user-42',
            eventType: 'transaction',
            score: 0.93,
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
      },
    },
  })
  async list(@Query('limit') limitText?: string): Promise<{ items: AlertSummary[] }> {
    const limit = limitText === undefined ? 50 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new ApiError(400, 'INVALID_QUERY', 'limit must be a whole number from 1 to 500');
    return { items: await this.alerts.list(limit) };
  }
}
