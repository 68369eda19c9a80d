import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ModelLoadError, type ModelManifest } from '@app/model';
import { ApiError, ApiKeyGuard, describeIssues } from '@app/platform';
import { ModelRegistry, type ServedModel } from './model-registry';

const activateInput = z.object({ name: z.string().min(1).max(128) }).strict();

interface ActiveModelView {
  name: string;
  id: string;
  version: string;
  features: string[];
  thresholds: ModelManifest['thresholds'];
}

const view = ({ name, model }: ServedModel): ActiveModelView => ({ name, id: model.id, version: model.version, features: model.manifest.features, thresholds: model.manifest.thresholds });
const EXAMPLE = { name: 'default', id: 'sentinel-default', version: '2026-11-24.1', features: ['event.amount', 'user.tx_count.1d'], thresholds: { review: 0.5, block: 0.9, alert: 0.7 } };

@ApiTags('models')
@ApiBearerAuth()
@Controller('v1/models/active')
@UseGuards(ApiKeyGuard)
export class ModelsController {
  constructor(private readonly registry: ModelRegistry) {}

  @Get()
  @ApiOkResponse({ schema: { example: EXAMPLE } })
  get(): ActiveModelView {
    return view(this.registry.current);
  }

  @Put()
  @ApiOperation({ summary: 'Serve another model (a folder of MODELS_DIR) from the next batch on, on every instance. A model that does not match its manifest is refused with the reason.' })
  @ApiBody({ schema: { example: { name: 'candidate-2026-11' } } })
  @ApiOkResponse({ schema: { example: EXAMPLE } })
  async activate(@Body() body: unknown): Promise<ActiveModelView> {
    const parsed = activateInput.safeParse(body);
    if (!parsed.success) throw new ApiError(400, 'INVALID_MODEL_REQUEST', 'the request is not valid', describeIssues(parsed.error));
    try {
      return view(await this.registry.activate(parsed.data.name));
    } catch (error) {
      if (error instanceof ModelLoadError) throw new ApiError(422, 'MODEL_NOT_SERVABLE', error.message);
      throw error;
    }
  }
}
