import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { TransientError } from '@app/bus';
import { isTransientDatabaseError } from '../postgres-errors';
import { isTransientRedisError } from '../redis-errors';
import { ApiError } from './api-error';

const codeForStatus = (status: number) => (HttpStatus[status] ?? 'ERROR').toString();

/** One error shape for every endpoint: { error: { code, message, details } } with the right status. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof ApiError) {
      response.status(exception.getStatus()).json({ error: { code: exception.code, message: exception.message, details: exception.details } });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      // Terminus and other Nest parts put structured bodies here (readiness details): keep them as details.
      const details = typeof body === 'object' ? body : undefined;
      response.status(status).json({ error: { code: codeForStatus(status), message: Array.isArray(message) ? message.join('; ') : String(message), details } });
      return;
    }
    // A store that is down or slow (a connection or statement timeout) is the service's trouble for a
    // while, not a bug: the client should retry.
    if (exception instanceof TransientError || isTransientDatabaseError(exception) || isTransientRedisError(exception)) {
      response.setHeader('Retry-After', '1');
      const message = exception instanceof TransientError ? exception.message : 'a store the service needs is unavailable or slow; try again shortly';
      response.status(503).json({ error: { code: 'SERVICE_UNAVAILABLE', message } });
      return;
    }
    this.logger.error(exception);
    response.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal error' } });
  }
}
