import { Body, Controller, Delete, Get, HttpCode, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ModelLoadError, type ModelManifest } from '@app/model';
import { ApiError, ApiKeyGuard, describeIssues } from '@app/platform';
import { ModelRegistry, type ServedModel } from './model-registry';

const modelInput = z.object({ name: z.string().min(1).max(128) }).strict();

interface ServedModelView {
  name: string;
  id: string;
  version: string;
  features: string[];
  thresholds: ModelManifest['thresholds'];
}

const view = ({ name, model }: ServedModel): ServedModelView => ({ name, id: model.id, version: model.version, features: model.manifest.features, thresholds: model.manifest.thresholds });
const EXAMPLE = { name: 'default', id: 'sentinel-default', version: '2026-11-24.1', features: ['event.amount', 'user.tx_count.1d'], thresholds: { review: 0.5, block: 0.9, alert: 0.7 } };

/** The models served: the active one, whose scores decide, and an optional shadow scored beside it. */
@ApiTags('models')
@ApiBearerAuth()
@Controller('v1/models')
@UseGuards(ApiKeyGuard)
export class ModelsController {
  constructor(private readonly registry: ModelRegistry) {}

  @Get('active')
  @ApiOkResponse({ schema: { example: EXAMPLE } })
  getActive(): ServedModelView {
    return view(this.registry.current);
  }

  @Put('active')
  @ApiOperation({ summary: 'Serve another model (a folder of MODELS_DIR) from the next batch on, on every instance. A model that does not match its manifest is refused with the reason.' })
  @ApiBody({ schema: { example: { name: 'candidate-2026-11' } } })
  @ApiOkResponse({ schema: { example: EXAMPLE } })
  async activate(@Body() body: unknown): Promise<ServedModelView> {
    return view(await servable(() => this.registry.activate(modelName(body))));
  }

  @Get('shadow')
  @ApiOkResponse({ schema: { example: { ...EXAMPLE, name: 'candidate-2026-11' } } })
  @ApiNotFoundResponse({ description: 'No shadow model is scored.' })
  getShadow(): ServedModelView {
    const shadow = this.registry.shadow;
    if (!shadow) throw new ApiError(404, 'NO_SHADOW_MODEL', 'no shadow model is scored');
    return view(shadow);
  }

  @Put('shadow')
  @ApiOperation({
    summary: 'Score another model (a folder of MODELS_DIR) beside the active one from the next batch on, on every instance: each Score carries its score and the decision it would have made (`shadow`), and scoring_shadow_decisions_total counts them against the live ones. It decides nothing and raises no alert.',
  })
  @ApiBody({ schema: { example: { name: 'candidate-2026-11' } } })
  @ApiOkResponse({ schema: { example: { ...EXAMPLE, name: 'candidate-2026-11' } } })
  async shadowWith(@Body() body: unknown): Promise<ServedModelView> {
    return view(await servable(() => this.registry.shadowWith(modelName(body))));
  }

  @Delete('shadow')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop scoring a shadow model, on every instance.' })
  @ApiNoContentResponse()
  async stopShadow(): Promise<void> {
    await this.registry.stopShadow();
  }
}

function modelName(body: unknown): string {
  const parsed = modelInput.safeParse(body);
  if (!parsed.success) throw new ApiError(400, 'INVALID_MODEL_REQUEST', 'the request is not valid', describeIssues(parsed.error));
  return parsed.data.name;
}

/** A model that does not fit its manifest is the request's problem (422), not the service's. */
async function servable(load: () => Promise<ServedModel>): Promise<ServedModel> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ModelLoadError) throw new ApiError(422, 'MODEL_NOT_SERVABLE', error.message);
    throw error;
  }
}
