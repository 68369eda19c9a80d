import { Body, Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError, describeIssues, RequireScope } from '@app/platform';
import { RULE_ID, ruleInput, type Rule } from './rule';
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
  constructor(private readonly rules: RulesRepository) {}

  @Get()
  @ApiOperation({ summary: 'The rules scored events are tested against, and their version (bumped on every change).' })
  @ApiOkResponse({ schema: { example: { version: '3', rules: [{ id: 'velocity-10m', enabled: true, ...RULE_EXAMPLE }] } } })
  async list(): Promise<{ version: string | null; rules: Rule[] }> {
    return this.rules.list();
  }

  @Put(':id')
  @ApiOperation({ summary: 'Create or replace a rule. Every scoring instance applies it from its next batch.' })
  @ApiBody({ schema: { example: RULE_EXAMPLE } })
  @ApiOkResponse({ description: 'Replaced' })
  async put(@Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<Rule> {
    if (!RULE_ID.test(id)) throw new ApiError(400, 'INVALID_RULE', 'the rule id must be 1-64 lowercase letters, digits, _ or -');
    const parsed = ruleInput.safeParse(body);
    if (!parsed.success) throw new ApiError(400, 'INVALID_RULE', 'the rule is not valid', describeIssues(parsed.error));
    const rule: Rule = { id, ...parsed.data };
    if (await this.rules.put(rule)) response.status(201);
    return rule;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@Param('id') id: string): Promise<void> {
    if (!(await this.rules.delete(id))) throw new ApiError(404, 'RULE_NOT_FOUND', `no rule ${JSON.stringify(id)}`);
  }
}
