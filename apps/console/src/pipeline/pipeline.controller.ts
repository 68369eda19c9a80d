import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SessionGuard } from '../session/session.guard';
import type { PipelineView } from './pipeline-view';
import { PipelineService } from './pipeline.service';

@ApiExcludeController()
@UseGuards(SessionGuard)
@Controller('api/pipeline')
export class PipelineController {
  constructor(private readonly pipeline: PipelineService) {}

  @Get()
  view(): Promise<PipelineView> {
    return this.pipeline.view();
  }
}
