import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Actor, ApiError, AuditTrail, openApiSchema, RequireScope, validateInput } from '@app/platform';
import { RecentScoredRows, rulePreviewSchema, type RulePreview } from './recent-rows';
import { RULE_ID, ruleInput, ruleView, type Rule } from './rule';
import { RulesRepository } from './rules.repository';

const RULE_EXAMPLE = {
  description: 'Many payments in ten minutes',
  when: [{ feature: 'user.tx_count.10m', op: '>=', value: 8 }],
  action: 'alert',
  reasonCode: 'VELOCITY_10M',
};

@ApiTags('rules')
@RequireScope('admin')
@Controller('v1/rules')
export class RulesController {
  constructor(
    private readonly rules: RulesRepository,
    private readonly audit: AuditTrail,
    private readonly recent: RecentScoredRows,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The rules scored events are tested against, and their version (bumped on every change).' })
  @ApiOkResponse({
    schema: openApiSchema(z.object({ version: z.string().nullable(), rules: z.array(ruleView) }), {
      version: '3',
      rules: [{ id: 'velocity-10m', enabled: true, ...RULE_EXAMPLE }],
    }),
  })
  async list(): Promise<{ version: string | null; rules: Rule[] }> {
    return this.rules.list();
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'How many of the events this instance scored lately (at most SCORING_PREVIEW_EVENTS) a rule would have fired on, before it is saved. Events scored without a feature the rule reads are counted apart: only features the model or a rule computed then are known.',
  })
  @ApiBody({ schema: openApiSchema(ruleInput, RULE_EXAMPLE) })
  @ApiOkResponse({ schema: openApiSchema(rulePreviewSchema, { events: 10000, fired: 37, unevaluated: 0, missingFeatures: [] }) })
  preview(@Body() body: unknown): RulePreview {
    return this.recent.preview({ id: 'preview', ...validateInput(ruleInput, body, 'INVALID_RULE', 'the rule is not valid') });
  }

  @Put(':id')
  @ApiOperation({ summary: 'Create or replace a rule. Every scoring instance applies it from its next batch.' })
  @ApiBody({ schema: openApiSchema(ruleInput, RULE_EXAMPLE) })
  @ApiOkResponse({ description: 'Replaced', schema: openApiSchema(ruleView, { id: 'velocity-10m', enabled: true, ...RULE_EXAMPLE }) })
  @ApiCreatedResponse({ description: 'Created', schema: openApiSchema(ruleView, { id: 'velocity-10m', enabled: true, ...RULE_EXAMPLE }) })
  async put(@Param('id') id: string, @Body() body: unknown, @Actor() actor: string, @Res({ passthrough: true }) response: Response): Promise<Rule> {
    if (!RULE_ID.test(id)) throw new ApiError(400, 'INVALID_RULE', 'the rule id must be 1-64 lowercase letters, digits, _ or -');
    const rule: Rule = { id, ...validateInput(ruleInput, body, 'INVALID_RULE', 'the rule is not valid') };
    const previous = await this.rules.put(rule);
    await this.audit.record(actor, { action: 'rule.put', target: `rule:${id}`, before: previous, after: rule });
    if (!previous) response.status(201);
    return rule;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@Param('id') id: string, @Actor() actor: string): Promise<void> {
    const removed = await this.rules.delete(id);
    if (!removed) throw new ApiError(404, 'RULE_NOT_FOUND', `no rule ${JSON.stringify(id)}`);
    await this.audit.record(actor, { action: 'rule.delete', target: `rule:${id}`, before: removed, after: null });
  }
}
