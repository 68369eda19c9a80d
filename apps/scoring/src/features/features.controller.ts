import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { describeCatalogue, type FeatureDescription } from '@app/features';
import { openApiSchema, RequireScope } from '@app/platform';
import { z } from 'zod';

@ApiTags('features')
@RequireScope('admin')
@Controller('v1/features')
export class FeaturesController {
  @Get()
  @ApiOperation({ summary: 'The feature catalogue: names a model manifest or a rule may use.' })
  @ApiOkResponse({
    schema: openApiSchema(z.array(z.object({ name: z.string(), description: z.string() })), [
      { name: 'user.tx_count.<window>', description: 'transactions in the window (e.g. 10m, 1h, 7d)' },
    ]),
  })
  list(): FeatureDescription[] {
    return describeCatalogue();
  }
}
