import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@app/platform';

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** The console's scripts and styles, read once at start: served from memory, nothing outside the folder. */
function loadAssets(folder: string): Map<string, { type: string; body: Buffer }> {
  const assets = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(folder)) {
    const type = TYPES[extname(name)];
    if (type) assets.set(name, { type, body: readFileSync(join(folder, name)) });
  }
  return assets;
}

@ApiExcludeController()
@Controller('assets')
export class AssetsController {
  // Beside src/ in the source tree and in dist/ (nest-cli.json copies them).
  private readonly assets = loadAssets(join(__dirname, '..', 'assets'));

  @Get(':name')
  asset(@Param('name') name: string, @Res() response: Response): void {
    const asset = this.assets.get(name);
    if (!asset) throw new ApiError(404, 'NOT_FOUND', `no asset ${JSON.stringify(name)}`);
    // Short: a new release's script reaches open consoles within minutes.
    response.setHeader('Cache-Control', 'private, max-age=300');
    response.type(asset.type).send(asset.body);
  }
}
