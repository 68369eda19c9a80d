import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { DeliveryRepository } from '../delivery/delivery.repository';
import { deliveryViewSchema, replayedSchema, type DeliveryView } from '../delivery/delivery.view';
import { Actor, ApiError, AuditTrail, openApiSchema, RequireScope, validateInput } from '@app/platform';
import { generateSecret } from '../signing/standard-webhooks';
import { createEndpointInput, rotateSecretInput, updateEndpointInput } from './webhook-endpoint.input';
import { WebhookEndpointRepository, type EndpointChanges } from './webhook-endpoint.repository';
import {
  ENDPOINT_EXAMPLE,
  toEndpointView,
  webhookEndpointViewSchema,
  webhookEndpointWithSecretSchema,
  type WebhookEndpointView,
} from './webhook-endpoint.view';
import { WebhookTargetPolicy } from './webhook-target.policy';

const instant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time')
  .transform((s) => new Date(s));
const deliveryQuery = z
  .object({ status: z.enum(['pending', 'delivered', 'failed']).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) })
  .strict();
const replayRangeInput = z
  .object({ from: instant, to: instant })
  .strict()
  .refine((r) => r.from < r.to, { message: 'from must be before to', path: ['to'] });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SECRET_EXAMPLE = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwXpQ3';

@ApiTags('webhooks')
@RequireScope('admin')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveries: DeliveryRepository,
    @Inject(WebhookTargetPolicy) private readonly targets: WebhookTargetPolicy,
    private readonly audit: AuditTrail,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a webhook endpoint. The answer holds its signing secret: the only time it is shown.' })
  @ApiBody({
    schema: openApiSchema(createEndpointInput, {
      url: 'https://fraud.example.com/hooks/sentinel',
      description: 'Fraud desk, EU',
      filter: { minScore: 0.8, eventTypes: ['transaction'] },
    }),
  })
  @ApiCreatedResponse({ schema: openApiSchema(webhookEndpointWithSecretSchema, { ...ENDPOINT_EXAMPLE, secret: SECRET_EXAMPLE }) })
  async create(@Body() body: unknown, @Actor() actor: string): Promise<WebhookEndpointView & { secret: string }> {
    const input = validateInput(createEndpointInput, body, 'INVALID_ENDPOINT', 'the endpoint is not valid');
    await this.checkTarget(input.url);
    const secret = generateSecret();
    const created = toEndpointView(await this.endpoints.create({ url: input.url, secret, ...changesOf(input) }));
    await this.audit.record(actor, { action: 'webhook.create', target: `webhook:${created.id}`, before: null, after: created });
    return { ...created, secret };
  }

  @Get()
  @ApiOperation({ summary: 'All endpoints (without secrets).' })
  @ApiOkResponse({ schema: openApiSchema(z.array(webhookEndpointViewSchema), [ENDPOINT_EXAMPLE]) })
  async list(): Promise<WebhookEndpointView[]> {
    return (await this.endpoints.findAll()).map(toEndpointView);
  }

  @Get(':id')
  @ApiOkResponse({ schema: openApiSchema(webhookEndpointViewSchema, ENDPOINT_EXAMPLE) })
  async get(@Param('id') id: string): Promise<WebhookEndpointView> {
    return toEndpointView(await this.existing(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, filter, concurrency; enable or disable.' })
  @ApiBody({ schema: openApiSchema(updateEndpointInput, { enabled: false }) })
  @ApiOkResponse({ schema: openApiSchema(webhookEndpointViewSchema, { ...ENDPOINT_EXAMPLE, enabled: false, disabledReason: 'disabled through the API' }) })
  async update(@Param('id') id: string, @Body() body: unknown, @Actor() actor: string): Promise<WebhookEndpointView> {
    const before = toEndpointView(await this.existing(id));
    const input = validateInput(updateEndpointInput, body, 'INVALID_ENDPOINT', 'the endpoint is not valid');
    if (input.url !== undefined) await this.checkTarget(input.url);
    const changes: EndpointChanges = { ...changesOf(input), ...(input.url !== undefined ? { url: input.url } : {}) };
    if (input.enabled !== undefined) Object.assign(changes, { enabled: input.enabled, disabledReason: input.enabled ? null : 'disabled through the API' });
    const after = toEndpointView((await this.endpoints.update(id, changes))!);
    await this.audit.record(actor, { action: 'webhook.update', target: `webhook:${id}`, before, after });
    return after;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@Param('id') id: string, @Actor() actor: string): Promise<void> {
    const before = toEndpointView(await this.existing(id));
    await this.endpoints.remove(id);
    await this.audit.record(actor, { action: 'webhook.delete', target: `webhook:${id}`, before, after: null });
  }

  @Post(':id/rotate-secret')
  @ApiOperation({ summary: 'A new signing secret; deliveries carry signatures of both the new and the old one for graceHours (default 24).' })
  @ApiBody({ schema: openApiSchema(rotateSecretInput, { graceHours: 24 }) })
  @ApiCreatedResponse({
    schema: openApiSchema(webhookEndpointWithSecretSchema, { ...ENDPOINT_EXAMPLE, secretRotationEndsAt: '2026-11-24T09:00:00.000Z', secret: SECRET_EXAMPLE }),
  })
  async rotate(@Param('id') id: string, @Body() body: unknown, @Actor() actor: string): Promise<WebhookEndpointView & { secret: string }> {
    const endpoint = await this.existing(id);
    const { graceHours } = validateInput(rotateSecretInput, body ?? {}, 'INVALID_ENDPOINT', 'the endpoint is not valid');
    const secret = generateSecret();
    const updated = toEndpointView((await this.endpoints.rotateSecret(id, secret, new Date(Date.now() + graceHours * 3_600_000)))!);
    await this.audit.record(actor, { action: 'webhook.rotate-secret', target: `webhook:${id}`, before: toEndpointView(endpoint), after: updated });
    return { ...updated, secret };
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "An endpoint's deliveries, newest first, each with every attempt (status, latency, error)." })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'delivered', 'failed'] })
  @ApiQuery({ name: 'limit', required: false, example: 50 })
  @ApiOkResponse({
    schema: openApiSchema(z.object({ items: z.array(deliveryViewSchema) }), {
      items: [
        {
          id: '0b6f1a4e-7d0c-4a57-9d1b-2c3f4e5a6b7c',
          alertId: 'alert_evt-1',
          status: 'failed',
          attemptCount: 8,
          nextAttemptAt: '2026-11-24T08:00:00.100Z',
          lastStatus: 503,
          lastError: 'receiver answered 503',
          createdAt: '2026-11-23T10:00:00.090Z',
          deliveredAt: null,
          attempts: [{ at: '2026-11-23T10:00:00.100Z', status: 503, latencyMs: 12, error: 'receiver answered 503' }],
        },
      ],
    }),
  })
  async listDeliveries(@Param('id') id: string, @Query() query: Record<string, unknown>): Promise<{ items: DeliveryView[] }> {
    await this.existing(id);
    const { status, limit } = validateInput(deliveryQuery, query, 'INVALID_QUERY', 'the query is not valid');
    return { items: await this.deliveries.listForEndpoint(id, status, limit) };
  }

  @Post(':id/deliveries/:deliveryId/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a failed delivery again, with its original webhook-id.' })
  @ApiAcceptedResponse({ schema: openApiSchema(replayedSchema, { replayed: ['0b6f1a4e-7d0c-4a57-9d1b-2c3f4e5a6b7c'] }) })
  async replayOne(@Param('id') id: string, @Param('deliveryId') deliveryId: string, @Actor() actor: string): Promise<{ replayed: string[] }> {
    await this.existing(id);
    const replayed = UUID.test(deliveryId) ? await this.deliveries.replayFailed(id, { deliveryId }) : [];
    if (replayed.length === 0) throw new ApiError(409, 'NOT_REPLAYABLE', `delivery ${JSON.stringify(deliveryId)} of this endpoint is not a failed delivery`);
    await this.audit.record(actor, { action: 'webhook.replay', target: `webhook:${id}`, before: null, after: { replayed } });
    return { replayed };
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send again every failed delivery of the endpoint created in [from, to).' })
  @ApiBody({ schema: openApiSchema(replayRangeInput, { from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' }) })
  @ApiAcceptedResponse({ schema: openApiSchema(replayedSchema, { replayed: ['0b6f1a4e-7d0c-4a57-9d1b-2c3f4e5a6b7c'] }) })
  async replayRange(@Param('id') id: string, @Body() body: unknown, @Actor() actor: string): Promise<{ replayed: string[] }> {
    await this.existing(id);
    const { from, to } = validateInput(replayRangeInput, body, 'INVALID_REPLAY', 'the replay is not valid');
    const replayed = await this.deliveries.replayFailed(id, { from, to });
    await this.audit.record(actor, {
      action: 'webhook.replay',
      target: `webhook:${id}`,
      before: null,
      after: { from: from.toISOString(), to: to.toISOString(), replayed },
    });
    return { replayed };
  }

  private async existing(id: string) {
    const endpoint = UUID.test(id) ? await this.endpoints.findOne(id) : null;
    if (!endpoint) throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `no webhook endpoint ${JSON.stringify(id)}`);
    return endpoint;
  }

  private async checkTarget(url: string): Promise<void> {
    const problem = await this.targets.problem(url);
    if (problem) throw new ApiError(422, 'URL_NOT_ALLOWED', `url ${problem}`);
  }
}

function changesOf(input: {
  description?: string | null;
  filter?: { minScore?: number | null; eventTypes?: string[]; reasonCodes?: string[] };
  maxInFlight?: number;
}): EndpointChanges {
  const changes: EndpointChanges = {};
  if (input.description !== undefined) changes.description = input.description;
  if (input.maxInFlight !== undefined) changes.maxInFlight = input.maxInFlight;
  if (input.filter?.minScore !== undefined) changes.minScore = input.filter.minScore;
  if (input.filter?.eventTypes !== undefined) changes.eventTypes = input.filter.eventTypes;
  if (input.filter?.reasonCodes !== undefined) changes.reasonCodes = input.filter.reasonCodes;
  return changes;
}
