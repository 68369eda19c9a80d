import { Body, Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ModelLoadError } from '@app/model';
import { Actor, ApiError, AuditTrail, openApiSchema, RequireScope, validateInput } from '@app/platform';
import { ModelEvaluationService, type PairEvaluation } from '../evaluation/model-evaluation.service';
import { ModelRegistry, type ServedModel } from './model-registry';

const modelInput = z.object({ name: z.string().min(1).max(128) }).strict();

/** A model as the API shows it: schema and type. */
const servedModelSchema = z.object({
  name: z.string(),
  id: z.string(),
  version: z.string(),
  features: z.array(z.string()),
  thresholds: z.object({ review: z.number(), block: z.number(), alert: z.number() }),
});

type ServedModelView = z.infer<typeof servedModelSchema>;

/** One model's figures on the labelled window, as JSON carries them (a figure not computable yet is null). */
const figures = z.object({
  id: z.string(),
  version: z.string(),
  transactions: z.number().int(),
  frauds: z.number().int(),
  aucRoc: z.number().nullable(),
  averagePrecision: z.number().nullable(),
  alerts: z.number().int(),
  precisionAtAlert: z.number().nullable(),
  recallAtAlert: z.number().nullable(),
});
const shadowSchema = servedModelSchema.extend({
  evaluation: z.object({
    window: z.object({ from: z.string().nullable(), to: z.string().nullable(), days: z.number().int(), labelDelayDays: z.number() }),
    live: figures,
    shadow: figures.nullable(),
  }),
});

const view = ({ name, model }: ServedModel): ServedModelView => ({
  name,
  id: model.id,
  version: model.version,
  features: model.manifest.features,
  thresholds: model.manifest.thresholds,
});
const EXAMPLE = {
  name: 'default',
  id: 'sentinel-default',
  version: '2026-11-24.1',
  features: ['event.amount', 'user.tx_count.1d'],
  thresholds: { review: 0.5, block: 0.9, alert: 0.7 },
};
const FIGURES = { transactions: 68_214, frauds: 588, aucRoc: 0.8951, averagePrecision: 0.7312, alerts: 402, precisionAtAlert: 0.9104, recallAtAlert: 0.6224 };
const EVALUATION_EXAMPLE = {
  window: { from: '2026-07-23', to: '2026-07-29', days: 7, labelDelayDays: 7 },
  live: { id: 'sentinel-default', version: '2026-11-24.1', ...FIGURES },
  shadow: { id: 'sentinel-xgboost', version: '5be0c1d2e3f4', ...FIGURES, aucRoc: 0.9012, averagePrecision: 0.7551 },
};

/** The models served: the active one, whose scores decide, and an optional shadow scored beside it. */
@ApiTags('models')
@RequireScope('admin')
@Controller('v1/models')
export class ModelsController {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly evaluation: ModelEvaluationService,
    private readonly audit: AuditTrail,
  ) {}

  @Get('active')
  @ApiOkResponse({ schema: openApiSchema(servedModelSchema, EXAMPLE) })
  getActive(): ServedModelView {
    return view(this.registry.current);
  }

  @Put('active')
  @ApiOperation({
    summary:
      'Serve another model (a folder of MODELS_DIR) from the next batch on, on every instance. A model that does not match its manifest is refused with the reason.',
  })
  @ApiBody({ schema: openApiSchema(modelInput, { name: 'candidate-2026-11' }) })
  @ApiOkResponse({ schema: openApiSchema(servedModelSchema, EXAMPLE) })
  async activate(@Body() body: unknown, @Actor() actor: string): Promise<ServedModelView> {
    const before = view(this.registry.current);
    const after = view(await servable(() => this.registry.activate(modelName(body))));
    await this.audit.record(actor, { action: 'model.activate', target: 'model:active', before, after });
    return after;
  }

  @Get('shadow')
  @ApiOperation({
    summary:
      "The shadow model, and how it and the live model did on the same transactions once chargebacks labelled them (`evaluation`): AUC ROC, average precision, precision and recall at each model's alert threshold, over the last SCORING_EVALUATION_DAYS of transactions whose labels have had SCORING_LABEL_DELAY_DAYS to arrive. Figures are null until that window holds frauds.",
  })
  @ApiOkResponse({ schema: openApiSchema(shadowSchema, { ...EXAMPLE, name: 'candidate-2026-11', evaluation: EVALUATION_EXAMPLE }) })
  @ApiNotFoundResponse({ description: 'No shadow model is scored.' })
  async getShadow(): Promise<ServedModelView & { evaluation: PairEvaluation }> {
    const shadow = this.registry.shadow;
    if (!shadow) throw new ApiError(404, 'NO_SHADOW_MODEL', 'no shadow model is scored');
    return { ...view(shadow), evaluation: await this.evaluation.report() };
  }

  @Put('shadow')
  @ApiOperation({
    summary:
      'Score another model (a folder of MODELS_DIR) beside the active one from the next batch on, on every instance: each Score carries its score and the decision it would have made (`shadow`), and scoring_shadow_decisions_total counts them against the live ones. It decides nothing and raises no alert.',
  })
  @ApiBody({ schema: openApiSchema(modelInput, { name: 'candidate-2026-11' }) })
  @ApiOkResponse({ schema: openApiSchema(servedModelSchema, { ...EXAMPLE, name: 'candidate-2026-11' }) })
  async shadowWith(@Body() body: unknown, @Actor() actor: string): Promise<ServedModelView> {
    const before = this.shadowView();
    const after = view(await servable(() => this.registry.shadowWith(modelName(body))));
    await this.audit.record(actor, { action: 'model.shadow', target: 'model:shadow', before, after });
    return after;
  }

  @Post('shadow/promote')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'The shadow model becomes the active one, on every instance from its next batch, and no shadow is scored any more. No restart; no event is lost or scored half by one model and half by the other.',
  })
  @ApiOkResponse({ description: 'The model now active.', schema: openApiSchema(servedModelSchema, { ...EXAMPLE, name: 'candidate-2026-11' }) })
  @ApiNotFoundResponse({ description: 'No shadow model to promote.' })
  async promote(@Actor() actor: string): Promise<ServedModelView> {
    const before = { active: view(this.registry.current), shadow: this.shadowView() };
    const promoted = await servable(async () => {
      const served = await this.registry.promote();
      if (!served) throw new ApiError(404, 'NO_SHADOW_MODEL', 'no shadow model is scored');
      return served;
    });
    await this.audit.record(actor, { action: 'model.promote', target: 'model:active', before, after: { active: view(promoted), shadow: null } });
    return view(promoted);
  }

  @Delete('shadow')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop scoring a shadow model, on every instance.' })
  @ApiNoContentResponse()
  async stopShadow(@Actor() actor: string): Promise<void> {
    const before = this.shadowView();
    await this.registry.stopShadow();
    if (before) await this.audit.record(actor, { action: 'model.shadow.stop', target: 'model:shadow', before, after: null });
  }

  private shadowView(): ServedModelView | null {
    const shadow = this.registry.shadow;
    return shadow ? view(shadow) : null;
  }
}

function modelName(body: unknown): string {
  return validateInput(modelInput, body, 'INVALID_MODEL_REQUEST', 'the request is not valid').name;
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
