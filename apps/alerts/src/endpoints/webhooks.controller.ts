import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiKeyGuard } from '@app/platform';
import { generateSecret } from '../signing/standard-webhooks';
import { createEndpointInput, describeIssues, rotateSecretInput, updateEndpointInput } from './webhook-endpoint.input';
import { WebhookEndpointRepository, type EndpointChanges } from './webhook-endpoint.repository';
import { ENDPOINT_EXAMPLE, toEndpointView, type WebhookEndpointView } from './webhook-endpoint.view';
import { WebhookTargetPolicy } from './webhook-target.policy';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SECRET_EXAMPLE = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwXpQ3';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
export class WebhooksController {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    @Inject(WebhookTargetPolicy) private readonly targets: WebhookTargetPolicy,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a webhook endpoint. The answer holds its signing secret: the only time it is shown.' })
  @ApiBody({ schema: { example: { url: 'https://fraud.example.com/hooks/sentinel', description: 'Fraud desk, EU', filter: { minScore: 0.8, eventTypes: ['transaction'] } } } })
  @ApiCreatedResponse({ schema: { example: { ...ENDPOINT_EXAMPLE, secret: SECRET_EXAMPLE } } })
  async create(@Body() body: unknown): Promise<WebhookEndpointView & { secret: string }> {
    const input = parse(createEndpointInput, body);
    await this.checkTarget(input.url);
    const secret = generateSecret();
    const created = await this.endpoints.create({ url: input.url, secret, ...changesOf(input) });
    return { ...toEndpointView(created), secret };
  }

  @Get()
  @ApiOperation({ summary: 'All endpoints (without secrets).' })
  @ApiOkResponse({ schema: { example: [ENDPOINT_EXAMPLE] } })
  async list(): Promise<WebhookEndpointView[]> {
    return (await this.endpoints.findAll()).map(toEndpointView);
  }

  @Get(':id')
  @ApiOkResponse({ schema: { example: ENDPOINT_EXAMPLE } })
  async get(@Param('id') id: string): Promise<WebhookEndpointView> {
    return toEndpointView(await this.existing(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, filter, concurrency; enable or disable.' })
  @ApiBody({ schema: { example: { enabled: false } } })
  @ApiOkResponse({ schema: { example: { ...ENDPOINT_EXAMPLE, enabled: false, disabledReason: 'disabled through the API' } } })
  async update(@Param('id') id: string, @Body() body: unknown): Promise<WebhookEndpointView> {
    await this.existing(id);
    const input = parse(updateEndpointInput, body);
    if (input.url !== undefined) await this.checkTarget(input.url);
    const changes: EndpointChanges = { ...changesOf(input), ...(input.url !== undefined ? { url: input.url } : {}) };
    if (input.enabled !== undefined) Object.assign(changes, { enabled: input.enabled, disabledReason: input.enabled ? null : 'disabled through the API' });
    return toEndpointView((await this.endpoints.update(id, changes))!);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@Param('id') id: string): Promise<void> {
    await this.existing(id);
    await this.endpoints.remove(id);
  }

  @Post(':id/rotate-secret')
  @ApiOperation({ summary: 'A new signing secret; deliveries carry signatures of both the new and the old one for graceHours (default 24).' })
  @ApiBody({ schema: { example: { graceHours: 24 } } })
  @ApiCreatedResponse({ schema: { example: { ...ENDPOINT_EXAMPLE, secretRotationEndsAt: '2026-11-24T09:00:00.000Z', secret: SECRET_EXAMPLE } } })
  async rotate(@Param('id') id: string, @Body() body: unknown): Promise<WebhookEndpointView & { secret: string }> {
    const endpoint = await this.existing(id);
    const { graceHours } = parse(rotateSecretInput, body ?? {});
    const secret = generateSecret();
    const updated = await this.endpoints.update(id, { secret, previousSecret: endpoint.secret, previousSecretExpiresAt: new Date(Date.now() + graceHours * 3_600_000) });
    return { ...toEndpointView(updated!), secret };
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

function parse<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new ApiError(400, 'INVALID_ENDPOINT', 'the endpoint is not valid', describeIssues(result.error));
  return result.data;
}

function changesOf(input: { description?: string | null; filter?: { minScore?: number | null; eventTypes?: string[]; reasonCodes?: string[] }; maxInFlight?: number }): EndpointChanges {
  const changes: EndpointChanges = {};
  if (input.description !== undefined) changes.description = input.description;
  if (input.maxInFlight !== undefined) changes.maxInFlight = input.maxInFlight;
  if (input.filter?.minScore !== undefined) changes.minScore = input.filter.minScore;
  if (input.filter?.eventTypes !== undefined) changes.eventTypes = input.filter.eventTypes;
  if (input.filter?.reasonCodes !== undefined) changes.reasonCodes = input.filter.reasonCodes;
  return changes;
}
