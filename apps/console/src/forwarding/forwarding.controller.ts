import { All, Controller, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@app/platform';
import { SessionGuard, type SignedInRequest } from '../session/session.guard';
import { forwardingOf } from './forwarded-routes';
import { ServiceClient } from './service-client';

/** /api/...: the console's pages' requests, made to the services with the console's key (FORWARDED_ROUTES). */
@ApiExcludeController()
@UseGuards(SessionGuard)
@Controller('api')
export class ForwardingController {
  constructor(private readonly services: ServiceClient) {}

  @All('*path')
  async forward(@Req() request: SignedInRequest, @Res() response: Response): Promise<void> {
    const route = forwardingOf(request.method, request.path.slice('/api'.length));
    if (!route) throw new ApiError(404, 'NOT_FOUND', `the console forwards no ${request.method} ${request.path}`);
    const at = request.originalUrl.indexOf('?');
    const answer = await this.services.call(route.service, `${route.path}${at < 0 ? '' : request.originalUrl.slice(at)}`, {
      method: request.method,
      body: ['GET', 'DELETE'].includes(request.method) ? undefined : (request.body ?? {}),
      onBehalfOf: request.consoleSession.user,
    });
    if (answer.retryAfter) response.setHeader('Retry-After', answer.retryAfter);
    response.setHeader('Cache-Control', 'no-store');
    if (answer.body === null) response.status(answer.status).end();
    else response.status(answer.status).json(answer.body);
  }
}
